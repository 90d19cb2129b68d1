/*
 * buf.h - size-capped growable byte buffer.
 *
 * A struct buf owns its memory.  Every buffer has a hard cap (max, in bytes
 * of content, not counting the terminating NUL that is always kept after
 * the content).  Appends that would pass the cap fail with
 * CB_ERR_TOO_LARGE, allocation failures with CB_ERR_NOMEM; on any error
 * the buffer keeps exactly its previous contents.
 *
 *	struct buf b;
 *	buf_init(&b, 64 * 1024);
 *	if (buf_puts(&b, "{\"id\":") != CB_OK) ...
 *	... use buf_cstr(&b), b.len ...
 *	buf_free(&b);
 */
#ifndef CB_BUF_H
#define CB_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct buf {
	char	*data;	/* NULL until the first append; else NUL-terminated */
	size_t	 len;	/* bytes of content */
	size_t	 cap;	/* bytes allocated for data (content + NUL) */
	size_t	 max;	/* hard cap on len */
};

/* Static initialiser, equivalent to buf_init(&b, max). */
#define BUF_INITIALIZER(max) { NULL, 0, 0, (max) }

/*
 * Makes b an empty buffer whose content may never exceed max bytes.
 * Allocates nothing.  A max of 0 makes every non-empty append fail.
 */
void buf_init(struct buf *b, size_t max);

/*
 * Appends n bytes from p (which may contain NUL bytes).  Returns CB_OK,
 * CB_ERR_TOO_LARGE if len + n would pass max, or CB_ERR_NOMEM.  On error
 * the buffer is unchanged.  Appending 0 bytes always succeeds.
 */
enum cb_err buf_append(struct buf *b, const void *p, size_t n);

/* Appends one byte.  Errors as buf_append. */
enum cb_err buf_putc(struct buf *b, char c);

/* Appends the NUL-terminated string s (without its NUL).  Errors as
 * buf_append. */
enum cb_err buf_puts(struct buf *b, const char *s);

/*
 * Appends printf-style formatted text.  Returns CB_OK, CB_ERR_TOO_LARGE,
 * CB_ERR_NOMEM, or CB_ERR_INVALID if vsnprintf itself fails (bad format).
 * On error the buffer is unchanged.
 */
enum cb_err buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
enum cb_err buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/*
 * Appends v in decimal, without printf (cheap enough for every response
 * head).  Errors as buf_append.
 */
enum cb_err buf_put_u64(struct buf *b, uint64_t v);

/*
 * Appends s[0..n) as a quoted JSON string: '"' and '\\' are escaped,
 * control characters (U+0000..U+001F, U+007F) become \b \f \n \r \t or
 * \u00XX, U+2028/U+2029 become \u2028/\u2029 (safe to embed in
 * JavaScript), other valid UTF-8 is copied as is, and each maximal invalid
 * UTF-8 subsequence becomes U+FFFD.  Errors as buf_append; on error the
 * buffer is unchanged (no half-written string).
 */
enum cb_err buf_append_json_string(struct buf *b, const char *s, size_t n);

/* Empties the buffer (len = 0) but keeps its memory and its cap. */
void buf_reset(struct buf *b);

/* Shortens the content to len bytes; no-op if len >= b->len. */
void buf_truncate(struct buf *b, size_t len);

/*
 * Frees the memory and leaves b as after buf_init(b, b->max).  NULL-safe.
 * The memory is not wiped: do not keep secrets in a struct buf.
 */
void buf_free(struct buf *b);

/*
 * Returns the content as a NUL-terminated string, borrowed from b (valid
 * until the next append, reset or free).  Returns "" for a buffer that
 * never allocated.  Content with embedded NUL bytes reads as shorter; use
 * b->len for binary content.
 */
const char *buf_cstr(const struct buf *b);

/*
 * Hands the content over to the caller: returns a malloc'd NUL-terminated
 * string the caller frees with free(3), stores its length in *len (if len
 * is not NULL), and leaves b empty.  Returns NULL with CB_ERR_NOMEM
 * semantics only if the buffer is empty and an empty string cannot be
 * allocated.
 */
char *buf_detach(struct buf *b, size_t *len);

/*
 * Returns true if s[0..n) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF).  NUL bytes are well-formed.
 */
bool buf_utf8_valid(const char *s, size_t n);

#endif
