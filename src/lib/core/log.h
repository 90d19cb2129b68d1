/*
 * log.h - one line per event on stderr (journald), key=value or JSON.
 *
 * Every line carries ts, level, ident, pid and event, then the caller's
 * extra pairs:
 *
 *	ts=2026-11-22T10:00:00.123Z level=info ident=chainbridge-api pid=123 event=api_start workers=4
 *
 * The caller's fmt renders the extra pairs without a leading space
 * ("workers=%d"); pass NULL when there are none.  Values that come from
 * outside the process (client input, node answers, database text) must go
 * through log_q() so they are quoted and escaped and cannot forge a line
 * or a key.  As a second guard, control characters in the rendered pairs
 * are escaped, so a line is always one line.
 *
 * In JSON format each line is one object with the same keys; the extra
 * pairs are not parsed but kept verbatim as one "msg" string:
 *
 *	{"ts":"...","level":"info","ident":"chainbridge-api","pid":123,"event":"api_start","msg":"workers=4"}
 *
 * log_warn/log_error add the text of the errno at the time of the call as
 * err="..." ("err" key in JSON); the x variants do not.  errno is preserved
 * across every log call.
 *
 * Each line is at most LOG_LINE_MAX bytes (longer ones are cut and end in
 * truncated=1) and is written with a single write(2), so lines of several
 * processes sharing stderr do not interleave.
 *
 * Never pass a secret (password, private key, API key, bearer token, key
 * material of any kind) to any of these functions: there is no secret
 * argument and nothing is masked.
 */
#ifndef CB_LOG_H
#define CB_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_DEBUG = 0,
	LOG_LEVEL_INFO,
	LOG_LEVEL_WARN,
	LOG_LEVEL_ERROR,
	LOG_LEVEL__MAX
};

enum log_format {
	LOG_FORMAT_KV = 0,
	LOG_FORMAT_JSON,
	LOG_FORMAT__MAX
};

#define LOG_LINE_MAX	4096	/* bytes per line, newline included */
#define LOG_IDENT_MAX	64	/* longer idents are cut */
#define LOG_Q_MAX	256	/* a good size for a log_q() buffer */

/*
 * Sets the ident shown on every line (copied, cut at LOG_IDENT_MAX bytes;
 * NULL means "chainbridge"), the lowest level written and the format.
 * May be called again, e.g. after the configuration is loaded.  Before any
 * call the defaults are "chainbridge", info, kv.
 */
void log_init(const char *ident, enum log_level level, enum log_format format);

/* Changes the lowest level written. */
void log_set_level(enum log_level level);

/* Changes the line format. */
void log_set_format(enum log_format format);

/* Returns true if events of this level are written (to skip costly
 * argument preparation). */
bool log_enabled(enum log_level level);

/*
 * Parses "debug", "info", "warn" or "error" (exact, lowercase) into *out.
 * Returns false, leaving *out alone, for anything else or NULL.
 */
bool log_level_parse(const char *s, enum log_level *out);

/* Parses "kv" or "json" into *out; false, *out untouched, otherwise. */
bool log_format_parse(const char *s, enum log_format *out);

/* Returns "debug".."error" ("?" for an out-of-range value). */
const char *log_level_name(enum log_level level);

/*
 * Renders the untrusted bytes s[0..len) into dst (cap bytes) as a
 * double-quoted value: '"' and '\\' are backslash-escaped, \n \r \t as
 * such, other control bytes, DEL and bytes that are not valid UTF-8 as
 * \xHH; valid UTF-8 is kept.  If the value does not fit, it is cut at a
 * character boundary and ends in ...".  s may be NULL (renders "").
 * Returns dst, always NUL-terminated when cap > 0; with cap < 3 dst holds
 * an empty string.  Use it as an argument: log_info("x", "name=%s",
 * log_q(qb, sizeof(qb), name, name_len)).
 */
const char *log_q(char *dst, size_t cap, const char *s, size_t len);

/*
 * Log one event: event is a short snake_case name (not escaped, must be
 * a constant), fmt renders extra key=value pairs or is NULL.
 */
void log_debug(const char *event, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_info(const char *event, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds err="<strerror(errno)>". */
void log_warn(const char *event, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_warnx(const char *event, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds err="<strerror(errno)>". */
void log_error(const char *event, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_errorx(const char *event, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Logs at level error (with errno text for fatal) and exits with status 1. */
_Noreturn void fatal(const char *event, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
_Noreturn void fatalx(const char *event, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * One event whose pairs the caller rendered itself into pairs[0..len)
 * ("key=value key=value", no leading space; escaped like any line's
 * pairs): for a line written so often that printf's cost shows, such as
 * chainbridge-api's per-request line.
 */
void log_pairs(enum log_level level, const char *event, const char *pairs,
    size_t len);

/*
 * The general form behind all of the above: with_errno adds the err pair
 * from the errno value errnum.
 */
void log_vlog(enum log_level level, const char *event, bool with_errno,
    int errnum, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

#endif
