/*
 * json.c - strict JSON input with limits and precise validation errors.
 *
 * json-c's JSON_TOKENER_STRICT still accepts single quotes, NaN, "1.",
 * raw control characters in strings and duplicate keys, clamps integers
 * that do not fit in 64 bits, truncates keys at \u0000 and turns lone
 * surrogates into U+FFFD.  So the text is first checked here against the
 * RFC 8259 grammar by a small recursive scanner (bounded by the depth
 * limit) that also finds duplicate keys and reports every problem with
 * its path; only text that passes is handed to json-c to build the tree.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/hex.h"
#include "core/json.h"

/* Depth limit used whatever the caller asks, to bound the scanner's stack. */
#define JSON_DEPTH_HARD_MAX	128

/*
 * Shortens s (len bytes, NUL-terminated, cut at an arbitrary byte from a
 * longer UTF-8 text) so that it does not end inside a UTF-8 sequence:
 * what these texts hold goes to clients in JSON, which must be valid UTF-8.
 */
static void
json_utf8_trim(char *s, size_t len)
{
	size_t		 back, need;
	unsigned char	 c;

	for (back = 1; back <= 3 && back <= len; back++) {
		c = (unsigned char)s[len - back];
		if ((c & 0xc0) == 0x80)
			continue;	/* a continuation byte: look further back */
		need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (need > back)
			s[len - back] = '\0';
		return;
	}
}

/* Copies s up to a NUL or len bytes, cut to fit cap (after a whole UTF-8
 * character); without printf, since every object key passes here. */
static void
json_copy_cut(char *dst, size_t cap, const char *s, size_t len)
{
	size_t n = strnlen(s, len < cap ? len : cap - 1);

	memcpy(dst, s, n);
	dst[n] = '\0';
	if (len >= cap && n == cap - 1)
		json_utf8_trim(dst, cap - 1);
}

void
json_verr_set(struct json_verr *err, const char *path, const char *code,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (err == NULL)
		return;
	if (path == NULL)
		path = "";
	json_copy_cut(err->path, sizeof(err->path), path, strlen(path));
	json_copy_cut(err->code, sizeof(err->code), code, strlen(code));
	va_start(ap, fmt);
	n = vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	if (n < 0)
		err->message[0] = '\0';
	else if ((size_t)n >= sizeof(err->message))
		json_utf8_trim(err->message, sizeof(err->message) - 1);
}

/*
 * Marks a path that snprintf cut to cap - 1 bytes by ending it in "...",
 * placed after the last whole character.
 */
static const char *
json_path_cut(char *dst, size_t cap)
{
	size_t	 end;

	if (cap >= 4) {
		end = cap - 4;
		dst[end] = '\0';
		json_utf8_trim(dst, end);
		end = strlen(dst);
		memcpy(dst + end, "...", 4);
	}
	return dst;
}

/*
 * Appends s[0..len) to the path in dst (*n bytes so far, cap >= 1 in all),
 * as much as fits; false when it did not fit whole.  The paths are made
 * for every key of every body, error or not: no printf.
 */
static bool
json_path_put(char *dst, size_t cap, size_t *n, const char *s, size_t len)
{
	size_t room = cap - 1 - *n;
	bool whole = len <= room;

	if (!whole)
		len = room;
	memcpy(dst + *n, s, len);
	*n += len;
	dst[*n] = '\0';
	return whole;
}

const char *
json_path_key(char *dst, size_t cap, const char *parent, const char *key)
{
	size_t n = 0;
	bool whole = true;

	if (cap == 0)
		return dst;
	if (parent != NULL && parent[0] != '\0') {
		whole &= json_path_put(dst, cap, &n, parent, strlen(parent));
		whole &= json_path_put(dst, cap, &n, ".", 1);
	}
	whole &= json_path_put(dst, cap, &n, key, strlen(key));
	return whole ? dst : json_path_cut(dst, cap);
}

const char *
json_path_index(char *dst, size_t cap, const char *parent, size_t index)
{
	char digits[24];
	size_t n = 0, d = sizeof(digits);
	bool whole = true;

	if (cap == 0)
		return dst;
	do {
		digits[--d] = (char)('0' + index % 10);
		index /= 10;
	} while (index != 0);
	if (parent != NULL)
		whole &= json_path_put(dst, cap, &n, parent, strlen(parent));
	whole &= json_path_put(dst, cap, &n, "[", 1);
	whole &= json_path_put(dst, cap, &n, digits + d, sizeof(digits) - d);
	whole &= json_path_put(dst, cap, &n, "]", 1);
	return whole ? dst : json_path_cut(dst, cap);
}

/* ---- the strict scanner ---- */

struct json_key {
	const char	*p;	/* decoded key bytes, in the scanner's arena */
	size_t		 len;
	size_t		 index;	/* position in the object */
};

struct json_scan {
	const unsigned char	*s;
	size_t			 len;
	size_t			 pos;
	int			 max_depth;
	char			*keys;	/* decoded keys of all objects */
	size_t			 keys_used;
	struct json_verr	*err;
};

static bool json_scan_value(struct json_scan *, int, const char *);

static void
json_scan_ws(struct json_scan *sc)
{
	while (sc->pos < sc->len && (sc->s[sc->pos] == ' ' ||
	    sc->s[sc->pos] == '\t' || sc->s[sc->pos] == '\n' ||
	    sc->s[sc->pos] == '\r'))
		sc->pos++;
}

static bool
json_scan_syntax(struct json_scan *sc, const char *path, const char *what)
{
	if (sc->pos >= sc->len)
		json_verr_set(sc->err, path, "invalid_json",
		    "unexpected end of input: %s", what);
	else
		json_verr_set(sc->err, path, "invalid_json",
		    "%s at byte %zu", what, sc->pos);
	return false;
}

/* Reads the 4 hex digits of a \u escape at sc->pos into *cp. */
static bool
json_scan_hex4(struct json_scan *sc, unsigned *cp)
{
	int	 i, v;

	if (sc->len - sc->pos < 4)
		return false;
	*cp = 0;
	for (i = 0; i < 4; i++) {
		if ((v = hex_digit_value(sc->s[sc->pos + (size_t)i])) < 0)
			return false;
		*cp = (*cp << 4) | (unsigned)v;
	}
	sc->pos += 4;
	return true;
}

/* Appends the UTF-8 form of code point cp to the key arena. */
static void
json_key_putcp(struct json_scan *sc, unsigned cp)
{
	char	*d = sc->keys + sc->keys_used;

	if (cp < 0x80) {
		d[0] = (char)cp;
		sc->keys_used += 1;
	} else if (cp < 0x800) {
		d[0] = (char)(0xc0 | (cp >> 6));
		d[1] = (char)(0x80 | (cp & 0x3f));
		sc->keys_used += 2;
	} else if (cp < 0x10000) {
		d[0] = (char)(0xe0 | (cp >> 12));
		d[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		d[2] = (char)(0x80 | (cp & 0x3f));
		sc->keys_used += 3;
	} else {
		d[0] = (char)(0xf0 | (cp >> 18));
		d[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		d[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		d[3] = (char)(0x80 | (cp & 0x3f));
		sc->keys_used += 4;
	}
}

/*
 * Scans a string starting at its opening quote.  When key is not NULL the
 * decoded bytes go to the key arena and *key receives their place; the
 * decoded form is never longer than the raw text, so the arena (as large
 * as the input) cannot overflow.  path names the string for errors.
 */
static bool
json_scan_string(struct json_scan *sc, const char *path, struct json_key *key)
{
	size_t		 run;
	unsigned	 cp, lo;
	unsigned char	 c;

	sc->pos++;
	if (key != NULL)
		key->p = sc->keys + sc->keys_used;
	for (;;) {
		if (sc->pos >= sc->len)
			return json_scan_syntax(sc, path, "unterminated string");
		c = sc->s[sc->pos];
		if (c == '"') {
			sc->pos++;
			break;
		}
		if (c < 0x20)
			return json_scan_syntax(sc, path,
			    "control character in string");
		if (c == '\\') {
			sc->pos++;
			if (sc->pos >= sc->len)
				return json_scan_syntax(sc, path,
				    "unterminated string");
			c = sc->s[sc->pos++];
			switch (c) {
			case '"': case '\\': case '/':
				cp = c;
				break;
			case 'b': cp = '\b'; break;
			case 'f': cp = '\f'; break;
			case 'n': cp = '\n'; break;
			case 'r': cp = '\r'; break;
			case 't': cp = '\t'; break;
			case 'u':
				if (!json_scan_hex4(sc, &cp))
					return json_scan_syntax(sc, path,
					    "bad \\u escape");
				if (cp == 0) {
					json_verr_set(sc->err, path,
					    "invalid_string",
					    "string contains \\u0000");
					return false;
				}
				if (cp >= 0xdc00 && cp <= 0xdfff) {
					json_verr_set(sc->err, path,
					    "invalid_string",
					    "string contains a lone surrogate");
					return false;
				}
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (sc->len - sc->pos < 2 ||
					    sc->s[sc->pos] != '\\' ||
					    sc->s[sc->pos + 1] != 'u') {
						json_verr_set(sc->err, path,
						    "invalid_string", "string "
						    "contains a lone surrogate");
						return false;
					}
					sc->pos += 2;
					if (!json_scan_hex4(sc, &lo))
						return json_scan_syntax(sc,
						    path, "bad \\u escape");
					if (lo < 0xdc00 || lo > 0xdfff) {
						json_verr_set(sc->err, path,
						    "invalid_string", "string "
						    "contains a lone surrogate");
						return false;
					}
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
				}
				break;
			default:
				sc->pos--;
				return json_scan_syntax(sc, path,
				    "bad escape in string");
			}
			if (key != NULL)
				json_key_putcp(sc, cp);
			continue;
		}
		/* A run of raw bytes up to the next quote, backslash or control. */
		for (run = sc->pos; run < sc->len && sc->s[run] != '"' &&
		    sc->s[run] != '\\' && sc->s[run] >= 0x20; run++)
			;
		if (!buf_utf8_valid((const char *)sc->s + sc->pos,
		    run - sc->pos)) {
			json_verr_set(sc->err, path, "invalid_json",
			    "invalid UTF-8 in string at byte %zu", sc->pos);
			return false;
		}
		if (key != NULL) {
			memcpy(sc->keys + sc->keys_used, sc->s + sc->pos,
			    run - sc->pos);
			sc->keys_used += run - sc->pos;
		}
		sc->pos = run;
	}
	if (key != NULL)
		key->len = (size_t)(sc->keys + sc->keys_used - key->p);
	return true;
}

/*
 * Scans a number.  Integers (no fraction, no exponent) must fit in
 * int64_t or uint64_t, since json-c would clamp them silently.
 */
static bool
json_scan_number(struct json_scan *sc, const char *path)
{
	const unsigned char	*s = sc->s;
	size_t			 start = sc->pos;
	uint64_t		 mag = 0;
	bool			 neg = false, integer = true, overflow = false;
	unsigned		 d;

	if (sc->pos < sc->len && s[sc->pos] == '-') {
		neg = true;
		sc->pos++;
	}
	if (sc->pos >= sc->len || s[sc->pos] < '0' || s[sc->pos] > '9')
		return json_scan_syntax(sc, path, "bad number");
	if (s[sc->pos] == '0')
		sc->pos++;
	else
		while (sc->pos < sc->len && s[sc->pos] >= '0' &&
		    s[sc->pos] <= '9') {
			d = s[sc->pos++] - '0';
			if (mag > (UINT64_MAX - d) / 10)
				overflow = true;
			else
				mag = mag * 10 + d;
		}
	if (sc->pos < sc->len && s[sc->pos] == '.') {
		integer = false;
		sc->pos++;
		if (sc->pos >= sc->len || s[sc->pos] < '0' || s[sc->pos] > '9')
			return json_scan_syntax(sc, path, "bad number");
		while (sc->pos < sc->len && s[sc->pos] >= '0' &&
		    s[sc->pos] <= '9')
			sc->pos++;
	}
	if (sc->pos < sc->len && (s[sc->pos] == 'e' || s[sc->pos] == 'E')) {
		integer = false;
		sc->pos++;
		if (sc->pos < sc->len && (s[sc->pos] == '+' || s[sc->pos] == '-'))
			sc->pos++;
		if (sc->pos >= sc->len || s[sc->pos] < '0' || s[sc->pos] > '9')
			return json_scan_syntax(sc, path, "bad number");
		while (sc->pos < sc->len && s[sc->pos] >= '0' &&
		    s[sc->pos] <= '9')
			sc->pos++;
	}
	if (integer && (overflow ||
	    (neg && mag > (uint64_t)INT64_MAX + 1))) {
		json_verr_set(sc->err, path, "out_of_range",
		    "integer at byte %zu does not fit in 64 bits", start);
		return false;
	}
	return true;
}

static bool
json_scan_literal(struct json_scan *sc, const char *path, const char *word)
{
	size_t	 n = strlen(word);

	if (sc->len - sc->pos < n || memcmp(sc->s + sc->pos, word, n) != 0)
		return json_scan_syntax(sc, path, "unexpected character");
	sc->pos += n;
	return true;
}

static int
json_key_cmp(const void *a, const void *b)
{
	const struct json_key	*ka = a, *kb = b;
	size_t			 n = ka->len < kb->len ? ka->len : kb->len;
	int			 c;

	if (n > 0 && (c = memcmp(ka->p, kb->p, n)) != 0)
		return c;
	if (ka->len != kb->len)
		return ka->len < kb->len ? -1 : 1;
	return ka->index < kb->index ? -1 : ka->index > kb->index;
}

/*
 * Finds a key present twice among nkeys (sorted by bytes, then position);
 * reports the one whose second occurrence comes first.
 */
static bool
json_check_dups(struct json_scan *sc, const char *path, struct json_key *k,
    size_t nkeys)
{
	size_t	 i, best = SIZE_MAX;
	char	 key[JSON_PATH_MAX], child[JSON_PATH_MAX];

	if (nkeys < 2)
		return true;
	qsort(k, nkeys, sizeof(*k), json_key_cmp);
	for (i = 1; i < nkeys; i++)
		if (k[i].len == k[i - 1].len && (k[i].len == 0 ||
		    memcmp(k[i].p, k[i - 1].p, k[i].len) == 0) &&
		    (best == SIZE_MAX || k[i].index < k[best].index))
			best = i;
	if (best == SIZE_MAX)
		return true;
	json_copy_cut(key, sizeof(key), k[best].p, k[best].len);
	json_verr_set(sc->err, json_path_key(child, sizeof(child), path, key),
	    "duplicate_key", "key appears more than once in the object");
	return false;
}

static bool
json_scan_object(struct json_scan *sc, int depth, const char *path)
{
	struct json_key	*keys = NULL, *grown, *k;
	size_t		 nkeys = 0, cap = 0;
	char		 name[JSON_PATH_MAX], child[JSON_PATH_MAX];
	bool		 ok = false;

	if (depth > sc->max_depth) {
		json_verr_set(sc->err, path, "json_too_deep",
		    "nesting deeper than %d", sc->max_depth);
		goto out;
	}
	sc->pos++;
	json_scan_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == '}') {
		sc->pos++;
		ok = true;
		goto out;
	}
	for (;;) {
		json_scan_ws(sc);
		if (sc->pos >= sc->len || sc->s[sc->pos] != '"') {
			json_scan_syntax(sc, path, "expected a key");
			goto out;
		}
		if (nkeys == cap) {
			cap = cap == 0 ? 8 : cap * 2;
			if ((grown = reallocarray(keys, cap, sizeof(*keys))) ==
			    NULL) {
				json_verr_set(sc->err, path, "invalid_json",
				    "out of memory");
				goto out;
			}
			keys = grown;
		}
		k = &keys[nkeys];
		k->index = nkeys;
		if (!json_scan_string(sc, path, k))
			goto out;
		nkeys++;
		json_copy_cut(name, sizeof(name), k->p, k->len);
		json_path_key(child, sizeof(child), path, name);
		json_scan_ws(sc);
		if (sc->pos >= sc->len || sc->s[sc->pos] != ':') {
			json_scan_syntax(sc, child, "expected ':'");
			goto out;
		}
		sc->pos++;
		if (!json_scan_value(sc, depth, child))
			goto out;
		json_scan_ws(sc);
		if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
			sc->pos++;
			continue;
		}
		if (sc->pos < sc->len && sc->s[sc->pos] == '}') {
			sc->pos++;
			break;
		}
		json_scan_syntax(sc, path, "expected ',' or '}'");
		goto out;
	}
	ok = json_check_dups(sc, path, keys, nkeys);
out:
	free(keys);
	return ok;
}

static bool
json_scan_array(struct json_scan *sc, int depth, const char *path)
{
	char	 child[JSON_PATH_MAX];
	size_t	 i;

	if (depth > sc->max_depth) {
		json_verr_set(sc->err, path, "json_too_deep",
		    "nesting deeper than %d", sc->max_depth);
		return false;
	}
	sc->pos++;
	json_scan_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == ']') {
		sc->pos++;
		return true;
	}
	for (i = 0;; i++) {
		json_path_index(child, sizeof(child), path, i);
		if (!json_scan_value(sc, depth, child))
			return false;
		json_scan_ws(sc);
		if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
			sc->pos++;
			continue;
		}
		if (sc->pos < sc->len && sc->s[sc->pos] == ']') {
			sc->pos++;
			return true;
		}
		return json_scan_syntax(sc, path, "expected ',' or ']'");
	}
}

/* Scans one value; depth is the nesting of the container holding it. */
static bool
json_scan_value(struct json_scan *sc, int depth, const char *path)
{
	json_scan_ws(sc);
	if (sc->pos >= sc->len)
		return json_scan_syntax(sc, path, "expected a value");
	switch (sc->s[sc->pos]) {
	case '{':
		return json_scan_object(sc, depth + 1, path);
	case '[':
		return json_scan_array(sc, depth + 1, path);
	case '"':
		return json_scan_string(sc, path, NULL);
	case 't':
		return json_scan_literal(sc, path, "true");
	case 'f':
		return json_scan_literal(sc, path, "false");
	case 'n':
		return json_scan_literal(sc, path, "null");
	default:
		if (sc->s[sc->pos] == '-' ||
		    (sc->s[sc->pos] >= '0' && sc->s[sc->pos] <= '9'))
			return json_scan_number(sc, path);
		return json_scan_syntax(sc, path, "unexpected character");
	}
}

json_object *
json_parse_strict(const char *s, size_t len, int max_depth,
    struct json_verr *err)
{
	struct json_scan	 sc;
	json_tokener		*tok = NULL;
	json_object		*obj = NULL;
	const char		*nul;

	memset(&sc, 0, sizeof(sc));
	if (max_depth < 1)
		max_depth = 1;
	if (max_depth > JSON_DEPTH_HARD_MAX)
		max_depth = JSON_DEPTH_HARD_MAX;
	if (len > INT_MAX) {
		json_verr_set(err, "", "invalid_json", "document too large");
		goto out;
	}
	if ((nul = memchr(s, '\0', len)) != NULL) {
		json_verr_set(err, "", "invalid_json", "NUL byte at byte %zu",
		    (size_t)(nul - s));
		goto out;
	}
	sc.s = (const unsigned char *)s;
	sc.len = len;
	sc.max_depth = max_depth;
	sc.err = err;
	json_scan_ws(&sc);
	if (sc.pos >= sc.len) {
		json_verr_set(err, "", "invalid_json", "empty document");
		goto out;
	}
	if (sc.s[sc.pos] != '{') {
		if (strchr("[\"-0123456789tfn", sc.s[sc.pos]) != NULL)
			json_verr_set(err, "", "json_not_object",
			    "the document must be a JSON object");
		else
			json_verr_set(err, "", "invalid_json",
			    "unexpected character at byte %zu", sc.pos);
		goto out;
	}
	if ((sc.keys = malloc(len + 1)) == NULL) {
		json_verr_set(err, "", "invalid_json", "out of memory");
		goto out;
	}
	if (!json_scan_value(&sc, 0, ""))
		goto out;
	json_scan_ws(&sc);
	if (sc.pos != sc.len) {
		json_verr_set(err, "", "invalid_json",
		    "unexpected data after the object at byte %zu", sc.pos);
		goto out;
	}

	/*
	 * The text is valid: json-c builds the tree.  Its depth counts the
	 * innermost scalar as a level too, hence the + 1.
	 */
	if ((tok = json_tokener_new_ex(max_depth + 1)) == NULL) {
		json_verr_set(err, "", "invalid_json", "out of memory");
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, s, (int)len);
	if (obj == NULL || json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(obj, json_type_object)) {
		json_verr_set(err, "", "invalid_json", "%s",
		    json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(obj);
		obj = NULL;
	}
out:
	if (tok != NULL)
		json_tokener_free(tok);
	free(sc.keys);
	return obj;
}

/* ---- typed getters ---- */

static const char *
json_type_label(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:	return "null";
	case json_type_boolean:	return "a boolean";
	case json_type_double:	return "a number with a fraction";
	case json_type_int:	return "an integer";
	case json_type_object:	return "an object";
	case json_type_array:	return "an array";
	case json_type_string:	return "a string";
	}
	return "?";
}

/*
 * Looks key up in obj.  Returns 1 with *v set when present and not null,
 * 0 when absent or null (missing_field reported if required), -1 on
 * error.  path receives the field's path.
 */
static int
json_lookup(json_object *obj, const char *parent_path, const char *key,
    bool required, json_object **v, char *path, size_t pathcap,
    struct json_verr *err)
{
	json_path_key(path, pathcap, parent_path, key);
	if (!json_object_is_type(obj, json_type_object)) {
		json_verr_set(err, parent_path, "wrong_type",
		    "expected an object, got %s", json_type_label(obj));
		return -1;
	}
	if (!json_object_object_get_ex(obj, key, v) || *v == NULL ||
	    json_object_is_type(*v, json_type_null)) {
		if (!required)
			return 0;
		json_verr_set(err, path, "missing_field",
		    "field is required");
		return -1;
	}
	return 1;
}

static bool
json_wrong_type(const char *path, const char *want, json_object *v,
    struct json_verr *err)
{
	json_verr_set(err, path, "wrong_type", "expected %s, got %s", want,
	    json_type_label(v));
	return false;
}

bool
json_get_string(json_object *obj, const char *parent_path, const char *key,
    bool required, size_t min_len, size_t max_len, const char **out,
    size_t *out_len, struct json_verr *err)
{
	json_object	*v;
	const char	*s;
	char		 path[JSON_PATH_MAX];
	size_t		 n;
	int		 rc;

	rc = json_lookup(obj, parent_path, key, required, &v, path,
	    sizeof(path), err);
	if (rc < 0)
		return false;
	if (rc == 0) {
		*out = NULL;
		if (out_len != NULL)
			*out_len = 0;
		return true;
	}
	if (!json_object_is_type(v, json_type_string))
		return json_wrong_type(path, "a string", v, err);
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (memchr(s, '\0', n) != NULL || !buf_utf8_valid(s, n)) {
		json_verr_set(err, path, "invalid_string",
		    "string contains NUL or invalid UTF-8");
		return false;
	}
	if (n < min_len) {
		json_verr_set(err, path, "string_too_short",
		    "at least %zu bytes required", min_len);
		return false;
	}
	if (n > max_len) {
		json_verr_set(err, path, "string_too_long",
		    "at most %zu bytes allowed", max_len);
		return false;
	}
	*out = s;
	if (out_len != NULL)
		*out_len = n;
	return true;
}

bool
json_get_object(json_object *obj, const char *parent_path, const char *key,
    bool required, json_object **out, struct json_verr *err)
{
	json_object	*v;
	char		 path[JSON_PATH_MAX];
	int		 rc;

	rc = json_lookup(obj, parent_path, key, required, &v, path,
	    sizeof(path), err);
	if (rc < 0)
		return false;
	if (rc == 0) {
		*out = NULL;
		return true;
	}
	if (!json_object_is_type(v, json_type_object))
		return json_wrong_type(path, "an object", v, err);
	*out = v;
	return true;
}

bool
json_get_array(json_object *obj, const char *parent_path, const char *key,
    bool required, size_t min_items, size_t max_items, json_object **out,
    size_t *out_n, struct json_verr *err)
{
	json_object	*v;
	char		 path[JSON_PATH_MAX];
	size_t		 n;
	int		 rc;

	rc = json_lookup(obj, parent_path, key, required, &v, path,
	    sizeof(path), err);
	if (rc < 0)
		return false;
	if (rc == 0) {
		*out = NULL;
		if (out_n != NULL)
			*out_n = 0;
		return true;
	}
	if (!json_object_is_type(v, json_type_array))
		return json_wrong_type(path, "an array", v, err);
	n = json_object_array_length(v);
	if (n < min_items) {
		json_verr_set(err, path, "too_few_items",
		    "at least %zu items required", min_items);
		return false;
	}
	if (n > max_items) {
		json_verr_set(err, path, "too_many_items",
		    "at most %zu items allowed", max_items);
		return false;
	}
	*out = v;
	if (out_n != NULL)
		*out_n = n;
	return true;
}

bool
json_get_int64(json_object *obj, const char *parent_path, const char *key,
    bool required, int64_t min, int64_t max, int64_t *out,
    struct json_verr *err)
{
	json_object	*v;
	char		 path[JSON_PATH_MAX];
	int64_t		 n;
	int		 rc;

	rc = json_lookup(obj, parent_path, key, required, &v, path,
	    sizeof(path), err);
	if (rc < 0)
		return false;
	if (rc == 0)
		return true;
	if (!json_object_is_type(v, json_type_int))
		return json_wrong_type(path, "an integer", v, err);
	/* json-c keeps integers above INT64_MAX as uint64 and clamps here. */
	n = json_object_get_int64(v);
	if ((n == INT64_MAX &&
	    json_object_get_uint64(v) > (uint64_t)INT64_MAX) ||
	    n < min || n > max) {
		json_verr_set(err, path, "out_of_range",
		    "must be between %lld and %lld", (long long)min,
		    (long long)max);
		return false;
	}
	*out = n;
	return true;
}

bool
json_get_bool(json_object *obj, const char *parent_path, const char *key,
    bool required, bool *out, struct json_verr *err)
{
	json_object	*v;
	char		 path[JSON_PATH_MAX];
	int		 rc;

	rc = json_lookup(obj, parent_path, key, required, &v, path,
	    sizeof(path), err);
	if (rc < 0)
		return false;
	if (rc == 0)
		return true;
	if (!json_object_is_type(v, json_type_boolean))
		return json_wrong_type(path, "a boolean", v, err);
	*out = json_object_get_boolean(v) != 0;
	return true;
}

bool
json_check_keys(json_object *obj, const char *path,
    const char *const allowed[], struct json_verr *err)
{
	char	 child[JSON_PATH_MAX];
	size_t	 i;
	bool	 found;

	if (!json_object_is_type(obj, json_type_object))
		return json_wrong_type(path, "an object", obj, err);
	json_object_object_foreach(obj, key, val) {
		(void)val;
		found = false;
		for (i = 0; allowed[i] != NULL && !found; i++)
			found = strcmp(key, allowed[i]) == 0;
		if (!found) {
			json_verr_set(err, json_path_key(child, sizeof(child),
			    path, key), "unknown_field", "unknown field");
			return false;
		}
	}
	return true;
}
