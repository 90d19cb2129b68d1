/* buf.c - size-capped growable byte buffer. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

#define BUF_MIN_ALLOC	64

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

/*
 * Makes room for n more bytes of content plus the NUL.  Grows by doubling,
 * never past max + 1.  Leaves the buffer unchanged on error.
 */
static enum cb_err
buf_reserve(struct buf *b, size_t n)
{
	size_t	 need, newcap;
	char	*p;

	if (n > b->max || b->len > b->max - n)
		return CB_ERR_TOO_LARGE;
	need = b->len + n + 1;
	if (need <= b->cap)
		return CB_OK;
	newcap = b->cap < BUF_MIN_ALLOC ? BUF_MIN_ALLOC : b->cap;
	while (newcap < need) {
		if (newcap > SIZE_MAX / 2) {
			newcap = need;
			break;
		}
		newcap *= 2;
	}
	if (newcap > b->max + 1)
		newcap = b->max + 1;
	if ((p = realloc(b->data, newcap)) == NULL)
		return CB_ERR_NOMEM;
	b->data = p;
	b->cap = newcap;
	return CB_OK;
}

enum cb_err
buf_append(struct buf *b, const void *p, size_t n)
{
	enum cb_err	 rc;

	if (n == 0)
		return CB_OK;
	if ((rc = buf_reserve(b, n)) != CB_OK)
		return rc;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return CB_OK;
}

enum cb_err
buf_putc(struct buf *b, char c)
{
	return buf_append(b, &c, 1);
}

enum cb_err
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

enum cb_err
buf_put_u64(struct buf *b, uint64_t v)
{
	char digits[20];
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return buf_append(b, digits + n, sizeof(digits) - n);
}

enum cb_err
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list		 aq;
	int		 n;
	enum cb_err	 rc;
	char		 tmp[1];

	va_copy(aq, ap);
	n = vsnprintf(tmp, sizeof(tmp), fmt, aq);
	va_end(aq);
	if (n < 0)
		return CB_ERR_INVALID;
	if (n == 0)
		return CB_OK;
	if ((rc = buf_reserve(b, (size_t)n)) != CB_OK)
		return rc;
	if (vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap) != n) {
		b->data[b->len] = '\0';
		return CB_ERR_INVALID;
	}
	b->len += (size_t)n;
	return CB_OK;
}

enum cb_err
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list		 ap;
	enum cb_err	 rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * Looks at the UTF-8 sequence starting at s[0] (n > 0 bytes available).
 * Returns its length and sets *ok when it is well-formed; otherwise
 * returns the length of the maximal ill-formed subpart (at least 1, per
 * Unicode's "U+FFFD substitution of maximal subparts") and clears *ok.
 */
static size_t
buf_utf8_seq(const unsigned char *s, size_t n, bool *ok)
{
	unsigned char	 c = s[0], lo = 0x80, hi = 0xbf;
	size_t		 need, i;

	*ok = false;
	if (c < 0x80) {
		*ok = true;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 1;

	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi)
			return i;
		lo = 0x80;
		hi = 0xbf;
	}
	*ok = true;
	return need;
}

bool
buf_utf8_valid(const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0;
	bool			 ok;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		i += buf_utf8_seq(p + i, n - i, &ok);
		if (!ok)
			return false;
	}
	return true;
}

enum cb_err
buf_append_json_string(struct buf *b, const char *s, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 start = b->len, i = 0, run, seq;
	enum cb_err		 rc;
	char			 esc[6];
	bool			 ok;

	if ((rc = buf_putc(b, '"')) != CB_OK)
		return rc;
	while (i < n) {
		/* Copy runs of plain printable ASCII in one go. */
		for (run = i; run < n && p[run] >= 0x20 && p[run] < 0x7f &&
		    p[run] != '"' && p[run] != '\\'; run++)
			;
		if (run > i) {
			if ((rc = buf_append(b, p + i, run - i)) != CB_OK)
				goto fail;
			i = run;
			continue;
		}
		if (p[i] < 0x80) {
			esc[0] = '\\';
			switch (p[i]) {
			case '"':  esc[1] = '"';  rc = buf_append(b, esc, 2); break;
			case '\\': esc[1] = '\\'; rc = buf_append(b, esc, 2); break;
			case '\b': esc[1] = 'b';  rc = buf_append(b, esc, 2); break;
			case '\f': esc[1] = 'f';  rc = buf_append(b, esc, 2); break;
			case '\n': esc[1] = 'n';  rc = buf_append(b, esc, 2); break;
			case '\r': esc[1] = 'r';  rc = buf_append(b, esc, 2); break;
			case '\t': esc[1] = 't';  rc = buf_append(b, esc, 2); break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[p[i] >> 4];
				esc[5] = hex[p[i] & 0xf];
				rc = buf_append(b, esc, 6);
				break;
			}
			if (rc != CB_OK)
				goto fail;
			i++;
			continue;
		}
		seq = buf_utf8_seq(p + i, n - i, &ok);
		if (!ok)
			rc = buf_append(b, "\xef\xbf\xbd", 3);
		else if (seq == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9))
			rc = buf_puts(b, p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
		else
			rc = buf_append(b, p + i, seq);
		if (rc != CB_OK)
			goto fail;
		i += seq;
	}
	if ((rc = buf_putc(b, '"')) != CB_OK)
		goto fail;
	return CB_OK;
fail:
	buf_truncate(b, start);
	return rc;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->data[len] = '\0';
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	buf_init(b, b->max);
}

const char *
buf_cstr(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
buf_detach(struct buf *b, size_t *len)
{
	char	*p;

	if (b->data == NULL) {
		if ((p = strdup("")) == NULL)
			return NULL;
		if (len != NULL)
			*len = 0;
		return p;
	}
	p = b->data;
	if (len != NULL)
		*len = b->len;
	buf_init(b, b->max);
	return p;
}
