/* log.c - one line per event on stderr, key=value or JSON. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"

/* Room kept free for " truncated=1" / ,"truncated":true} and the newline. */
#define LOG_TAIL_RESERVE	24
/* Room kept free for the err pair: the strerror text, escaped. */
#define LOG_ERR_TEXT_MAX	128
#define LOG_ERR_RESERVE		(6 * LOG_ERR_TEXT_MAX + 16)

static struct {
	char		 ident[LOG_IDENT_MAX + 1];
	enum log_level	 level;
	enum log_format	 format;
} log_state = { "chainbridge", LOG_LEVEL_INFO, LOG_FORMAT_KV };

static const char *const log_level_names[LOG_LEVEL__MAX] = {
	[LOG_LEVEL_DEBUG] = "debug",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_ERROR] = "error",
};

static const char *const log_format_names[LOG_FORMAT__MAX] = {
	[LOG_FORMAT_KV] = "kv",
	[LOG_FORMAT_JSON] = "json",
};

static const char log_hex[] = "0123456789abcdef";

/* Bytes allowed in an ident or event name as is; others become '_'. */
static int
log_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

void
log_init(const char *ident, enum log_level level, enum log_format format)
{
	size_t	 i;

	if (ident == NULL || ident[0] == '\0')
		ident = "chainbridge";
	for (i = 0; i < LOG_IDENT_MAX && ident[i] != '\0'; i++)
		log_state.ident[i] = log_name_char((unsigned char)ident[i]) ?
		    ident[i] : '_';
	log_state.ident[i] = '\0';
	log_set_level(level);
	log_set_format(format);
}

void
log_set_level(enum log_level level)
{
	if ((unsigned)level < LOG_LEVEL__MAX)
		log_state.level = level;
}

void
log_set_format(enum log_format format)
{
	if ((unsigned)format < LOG_FORMAT__MAX)
		log_state.format = format;
}

bool
log_enabled(enum log_level level)
{
	return (unsigned)level < LOG_LEVEL__MAX && level >= log_state.level;
}

bool
log_level_parse(const char *s, enum log_level *out)
{
	int	 i;

	if (s == NULL)
		return false;
	for (i = 0; i < LOG_LEVEL__MAX; i++)
		if (strcmp(s, log_level_names[i]) == 0) {
			*out = (enum log_level)i;
			return true;
		}
	return false;
}

bool
log_format_parse(const char *s, enum log_format *out)
{
	int	 i;

	if (s == NULL)
		return false;
	for (i = 0; i < LOG_FORMAT__MAX; i++)
		if (strcmp(s, log_format_names[i]) == 0) {
			*out = (enum log_format)i;
			return true;
		}
	return false;
}

const char *
log_level_name(enum log_level level)
{
	if ((unsigned)level >= LOG_LEVEL__MAX)
		return "?";
	return log_level_names[level];
}

/*
 * Length of the well-formed UTF-8 sequence at s[0] (n > 0 bytes left,
 * s[0] >= 0x80), or 0 if it is ill-formed.
 */
static size_t
log_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 need, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return need;
}

/* Escaping styles for log_escape_unit(). */
enum log_esc {
	LOG_ESC_KV,	/* kv pairs: only control bytes and bad UTF-8 */
	LOG_ESC_QUOTED,	/* inside "...": also '"' and '\\' */
	LOG_ESC_JSON	/* inside a JSON string */
};

/*
 * Renders the character at s[0] (n > 0 bytes left) escaped for style into
 * out (at least 6 bytes).  Returns the number of input bytes consumed and
 * sets *outlen.
 */
static size_t
log_escape_unit(const unsigned char *s, size_t n, enum log_esc style,
    char *out, size_t *outlen)
{
	unsigned char	 c = s[0];
	size_t		 seq;

	if (c >= 0x20 && c < 0x7f) {
		if (style != LOG_ESC_KV && (c == '"' || c == '\\')) {
			out[0] = '\\';
			out[1] = (char)c;
			*outlen = 2;
		} else {
			out[0] = (char)c;
			*outlen = 1;
		}
		return 1;
	}
	if (c >= 0x80 && (seq = log_utf8_len(s, n)) > 0) {
		memcpy(out, s, seq);
		*outlen = seq;
		return seq;
	}
	out[0] = '\\';
	if (c == '\n' || c == '\r' || c == '\t') {
		out[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		*outlen = 2;
	} else if (style == LOG_ESC_JSON && c >= 0x80) {
		memcpy(out + 1, "ufffd", 5);
		*outlen = 6;
	} else if (style == LOG_ESC_JSON) {
		memcpy(out + 1, "u00", 3);
		out[4] = log_hex[c >> 4];
		out[5] = log_hex[c & 0xf];
		*outlen = 6;
	} else {
		out[1] = 'x';
		out[2] = log_hex[c >> 4];
		out[3] = log_hex[c & 0xf];
		*outlen = 4;
	}
	return 1;
}

const char *
log_q(char *dst, size_t cap, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 pos, safe, i, used, ulen;
	char			 unit[8];

	if (cap == 0)
		return dst;
	if (cap < 3) {
		dst[0] = '\0';
		return dst;
	}
	if (s == NULL)
		len = 0;
	dst[0] = '"';
	pos = safe = 1;
	for (i = 0; i < len; i += used) {
		used = log_escape_unit(p + i, len - i, LOG_ESC_QUOTED, unit,
		    &ulen);
		/* The closing quote and the NUL must still fit. */
		if (pos + ulen + 2 > cap) {
			if (cap < 6) {
				pos = 1;
				break;
			}
			memcpy(dst + safe, "...", 3);
			pos = safe + 3;
			break;
		}
		memcpy(dst + pos, unit, ulen);
		pos += ulen;
		/* Where to cut if a later unit does not fit: room for ..." */
		if (pos + 5 <= cap)
			safe = pos;
	}
	dst[pos++] = '"';
	dst[pos] = '\0';
	return dst;
}

/* A bounded line being built: units are added whole or not at all. */
struct log_line {
	char	*p;
	size_t	 len;
	size_t	 lim;
	bool	 cut;
};

static void
log_put(struct log_line *l, const char *s, size_t n)
{
	if (l->cut)
		return;
	if (n > l->lim - l->len) {
		l->cut = true;
		return;
	}
	memcpy(l->p + l->len, s, n);
	l->len += n;
}

static void
log_puts(struct log_line *l, const char *s)
{
	log_put(l, s, strlen(s));
}

/* True for a byte style passes through as it is (one unit of its own). */
static bool
log_plain_byte(unsigned char c, enum log_esc style)
{
	return c >= 0x20 && c < 0x7f &&
	    (style == LOG_ESC_KV || (c != '"' && c != '\\'));
}

static void
log_put_escaped(struct log_line *l, const char *s, size_t n,
    enum log_esc style)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, run, room, used, ulen;
	char			 unit[8];

	for (i = 0; i < n && !l->cut; i += used) {
		/* A run of plain bytes is copied at once; each byte is a unit,
		 * so as many as fit go in, as one at a time would. */
		for (run = i; run < n && log_plain_byte(p[run], style); run++)
			continue;
		if (run > i) {
			used = run - i;
			room = l->lim - l->len;
			if (used > room) {
				log_put(l, s + i, room);
				l->cut = true;
				return;
			}
			log_put(l, s + i, used);
			continue;
		}
		used = log_escape_unit(p + i, n - i, style, unit, &ulen);
		log_put(l, unit, ulen);
	}
}

/* Puts a name (ident, event) with anything unexpected replaced by '_'. */
static void
log_put_name(struct log_line *l, const char *s)
{
	char	 c;

	for (; *s != '\0' && !l->cut; s++) {
		c = log_name_char((unsigned char)*s) ? *s : '_';
		log_put(l, &c, 1);
	}
}

static void
log_errtext(int errnum, char *buf, size_t cap)
{
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	const char	*s;

	s = strerror_r(errnum, buf, cap);
	if (s != buf)
		snprintf(buf, cap, "%s", s);
#else
	if (strerror_r(errnum, buf, cap) != 0)
		snprintf(buf, cap, "error %d", errnum);
#endif
}

/*
 * The "YYYY-MM-DDTHH:MM:SS" of the last line's second and the pid, kept
 * per thread: a busy process logs many lines a second, and gmtime_r,
 * snprintf and getpid(2) for each cost more than the rest of the line.
 * A forked child forgets the pid (log_forget_pid, pthread_atfork).
 */
static _Thread_local struct {
	bool	 have_sec;
	time_t	 sec;
	char	 sec_text[64];
	char	 pid_text[24];	/* "" until known */
} log_cache;
static pthread_once_t log_atfork_once = PTHREAD_ONCE_INIT;

static void
log_forget_pid(void)
{
	log_cache.pid_text[0] = '\0';
}

static void
log_atfork_register(void)
{
	(void)pthread_atfork(NULL, NULL, log_forget_pid);
}

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" of now into ts (cap bytes; 64 hold any). */
static void
log_timestamp(char *ts, size_t cap)
{
	struct timespec	 now;
	struct tm	 tm;
	size_t		 n;
	long		 ms;

	if (clock_gettime(CLOCK_REALTIME, &now) != 0) {
		now.tv_sec = 0;
		now.tv_nsec = 0;
	}
	if (!log_cache.have_sec || log_cache.sec != now.tv_sec) {
		if (gmtime_r(&now.tv_sec, &tm) == NULL) {
			memset(&tm, 0, sizeof(tm));
			tm.tm_year = 70;
			tm.tm_mday = 1;
			now.tv_nsec = 0;
		}
		snprintf(log_cache.sec_text, sizeof(log_cache.sec_text),
		    "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		log_cache.sec = now.tv_sec;
		log_cache.have_sec = true;
	}
	n = strlen(log_cache.sec_text);
	if (n + 6 > cap) {
		snprintf(ts, cap, "%s", log_cache.sec_text);
		return;
	}
	memcpy(ts, log_cache.sec_text, n);
	ms = now.tv_nsec / 1000000;
	ts[n++] = '.';
	ts[n++] = (char)('0' + ms / 100);
	ts[n++] = (char)('0' + ms / 10 % 10);
	ts[n++] = (char)('0' + ms % 10);
	ts[n++] = 'Z';
	ts[n] = '\0';
}

/* This process's pid as text (borrowed, per thread). */
static const char *
log_pid(void)
{
	(void)pthread_once(&log_atfork_once, log_atfork_register);
	if (log_cache.pid_text[0] == '\0')
		snprintf(log_cache.pid_text, sizeof(log_cache.pid_text), "%ld",
		    (long)getpid());
	return log_cache.pid_text;
}

static void
log_write(const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		w = write(STDERR_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void log_emit(enum log_level, const char *, bool, int, const char *, size_t,
    bool);

void
log_vlog(enum log_level level, const char *event, bool with_errno,
    int errnum, const char *fmt, va_list ap)
{
	char			 pairs[LOG_LINE_MAX];
	int			 saved_errno = errno, n;
	size_t			 plen = 0;
	bool			 cut = false;

	if (!log_enabled(level))
		goto out;
	if (fmt != NULL && (n = vsnprintf(pairs, sizeof(pairs), fmt, ap)) > 0) {
		plen = (size_t)n;
		if (plen >= sizeof(pairs)) {
			plen = sizeof(pairs) - 1;
			cut = true;
		}
	}
	log_emit(level, event, with_errno, errnum, pairs, plen, cut);
out:
	errno = saved_errno;
}

void
log_pairs(enum log_level level, const char *event, const char *pairs, size_t len)
{
	int saved_errno = errno;

	if (log_enabled(level))
		log_emit(level, event, false, 0, pairs, len, false);
	errno = saved_errno;
}

/*
 * Writes one line of pairs[0..plen) (rendered, not yet escaped); cut says
 * they were cut already.
 */
static void
log_emit(enum log_level level, const char *event, bool with_errno, int errnum,
    const char *pairs, size_t plen, bool cut)
{
	char			 line[LOG_LINE_MAX];
	char			 ts[64], errtext[LOG_ERR_TEXT_MAX];
	const char		*pid;
	struct log_line		 l;
	bool			 json = log_state.format == LOG_FORMAT_JSON;

	log_timestamp(ts, sizeof(ts));
	pid = log_pid();
	if (with_errno)
		log_errtext(errnum, errtext, sizeof(errtext));

	/* The tail (err pair, truncation mark, closers) has room kept. */
	l.p = line;
	l.len = 0;
	l.lim = sizeof(line) - LOG_TAIL_RESERVE - LOG_ERR_RESERVE;
	l.cut = false;

	if (json) {
		log_puts(&l, "{\"ts\":\"");
		log_puts(&l, ts);
		log_puts(&l, "\",\"level\":\"");
		log_puts(&l, log_level_name(level));
		log_puts(&l, "\",\"ident\":\"");
		log_put_name(&l, log_state.ident);
		log_puts(&l, "\",\"pid\":");
		log_puts(&l, pid);
		log_puts(&l, ",\"event\":\"");
		log_put_name(&l, event != NULL ? event : "-");
		log_puts(&l, "\"");
		if (plen > 0) {
			log_puts(&l, ",\"msg\":\"");
			log_put_escaped(&l, pairs, plen, LOG_ESC_JSON);
		}
	} else {
		log_puts(&l, "ts=");
		log_puts(&l, ts);
		log_puts(&l, " level=");
		log_puts(&l, log_level_name(level));
		log_puts(&l, " ident=");
		log_put_name(&l, log_state.ident);
		log_puts(&l, " pid=");
		log_puts(&l, pid);
		log_puts(&l, " event=");
		log_put_name(&l, event != NULL ? event : "-");
		if (plen > 0) {
			log_puts(&l, " ");
			log_put_escaped(&l, pairs, plen, LOG_ESC_KV);
		}
	}

	cut = cut || l.cut;
	l.cut = false;
	l.lim = sizeof(line) - 1;
	if (json && plen > 0)
		log_puts(&l, "\"");
	if (with_errno) {
		log_puts(&l, json ? ",\"err\":\"" : " err=\"");
		log_put_escaped(&l, errtext, strlen(errtext),
		    json ? LOG_ESC_JSON : LOG_ESC_QUOTED);
		log_puts(&l, "\"");
	}
	if (cut)
		log_puts(&l, json ? ",\"truncated\":true" : " truncated=1");
	if (json)
		log_puts(&l, "}");
	line[l.len++] = '\n';
	log_write(line, l.len);
}

#define LOG_DEFINE(name, level, with_errno)				\
void									\
name(const char *event, const char *fmt, ...)				\
{									\
	va_list	 ap;							\
	int	 errnum = errno;					\
									\
	va_start(ap, fmt);						\
	log_vlog(level, event, with_errno, errnum, fmt, ap);		\
	va_end(ap);							\
}

LOG_DEFINE(log_debug, LOG_LEVEL_DEBUG, false)
LOG_DEFINE(log_info, LOG_LEVEL_INFO, false)
LOG_DEFINE(log_warn, LOG_LEVEL_WARN, true)
LOG_DEFINE(log_warnx, LOG_LEVEL_WARN, false)
LOG_DEFINE(log_error, LOG_LEVEL_ERROR, true)
LOG_DEFINE(log_errorx, LOG_LEVEL_ERROR, false)

void
fatal(const char *event, const char *fmt, ...)
{
	va_list	 ap;
	int	 errnum = errno;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_ERROR, event, true, errnum, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *event, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vlog(LOG_LEVEL_ERROR, event, false, 0, fmt, ap);
	va_end(ap);
	exit(1);
}
