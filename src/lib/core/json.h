/*
 * json.h - strict JSON input with limits and precise validation errors,
 * on top of json-c.
 *
 * A request body goes through json_parse_strict(), then each field through
 * a typed getter.  Every failure fills a struct json_verr with the path of
 * the offending value ("adjustments[3].amount", "" for the document), a
 * stable snake_case code and a human message, ready to be sent to the
 * client.  Codes:
 *
 *	invalid_json     syntax error, NUL byte, invalid UTF-8, trailing data
 *	json_too_deep    nesting deeper than the limit
 *	json_not_object  the top level is not an object
 *	duplicate_key    a key appears twice in one object (path names it)
 *	invalid_string   a string holds \u0000 or a lone surrogate escape
 *	missing_field    a required field is absent or null
 *	wrong_type       a field has another JSON type than expected
 *	string_too_short / string_too_long   byte length out of bounds
 *	too_few_items / too_many_items       array length out of bounds
 *	out_of_range     an integer outside [min, max]
 *	unknown_field    a key not in the allowed list (path names it)
 *
 * JSON null counts as absent: an optional field that is null reads as
 * missing, a required one fails with missing_field.
 *
 * Paths, codes and messages may contain client-supplied key names: escape
 * them when writing them anywhere (buf_append_json_string, log_q).
 */
#ifndef CB_JSON_H
#define CB_JSON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#define JSON_PATH_MAX		256
#define JSON_CODE_MAX		64
#define JSON_MESSAGE_MAX	256

struct json_verr {
	char	path[JSON_PATH_MAX];
	char	code[JSON_CODE_MAX];
	char	message[JSON_MESSAGE_MAX];
};

/*
 * Fills err (if not NULL) with path (NULL means ""), code and a
 * printf-style message; each is cut to fit, after its last whole UTF-8
 * character.  For validators outside this module that want to report in
 * the same shape.
 */
void json_verr_set(struct json_verr *err, const char *path, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Parses s[0..len) as one strict JSON document (RFC 8259: no comments, no
 * trailing commas, no single quotes, no NaN) whose top level must be an
 * object, with containers nested at most max_depth deep ({} alone is depth
 * 1).  Rejects NUL bytes, invalid UTF-8, non-whitespace after the
 * document, duplicate keys in any object, and strings holding \u0000 or
 * lone surrogates.  Returns a new object the caller releases with
 * json_object_put(), or NULL with err filled (err may be NULL).
 */
json_object *json_parse_strict(const char *s, size_t len, int max_depth,
    struct json_verr *err);

/*
 * Path helpers: write parent + "." + key (just key when parent is NULL or
 * empty) or parent + "[index]" into dst (cap bytes).  Return dst, always
 * NUL-terminated; a path that does not fit is cut after its last whole
 * UTF-8 character and ends in "...".
 */
const char *json_path_key(char *dst, size_t cap, const char *parent,
    const char *key);
const char *json_path_index(char *dst, size_t cap, const char *parent,
    size_t index);

/*
 * Typed getters.  obj is the object holding the field (if obj is not an
 * object, wrong_type at parent_path), parent_path its path ("" for the
 * top level), key the field name.  Each returns true on success, or false
 * with err filled (path = parent_path + key) and the outputs untouched.
 * When the field is optional (required false) and absent or null, each
 * returns true and:
 *	string:        *out = NULL, *out_len = 0
 *	object/array:  *out = NULL (and *out_n = 0)
 *	int64/bool:    *out untouched (preset it to the default)
 * Returned json_object and string pointers are borrowed from obj.
 */

/* A string of min_len..max_len bytes, without embedded NUL and valid
 * UTF-8 (else invalid_string).  out_len may be NULL. */
bool json_get_string(json_object *obj, const char *parent_path,
    const char *key, bool required, size_t min_len, size_t max_len,
    const char **out, size_t *out_len, struct json_verr *err);

/* An object. */
bool json_get_object(json_object *obj, const char *parent_path,
    const char *key, bool required, json_object **out,
    struct json_verr *err);

/* An array of min_items..max_items elements; out_n may be NULL. */
bool json_get_array(json_object *obj, const char *parent_path,
    const char *key, bool required, size_t min_items, size_t max_items,
    json_object **out, size_t *out_n, struct json_verr *err);

/* A JSON integer (no fraction, no exponent) in [min, max]. */
bool json_get_int64(json_object *obj, const char *parent_path,
    const char *key, bool required, int64_t min, int64_t max,
    int64_t *out, struct json_verr *err);

/* true or false. */
bool json_get_bool(json_object *obj, const char *parent_path,
    const char *key, bool required, bool *out, struct json_verr *err);

/*
 * Checks that every key of obj is in allowed (a NULL-terminated list).
 * Returns true, or false with unknown_field at the full path of the first
 * unknown key (wrong_type at path if obj is not an object).
 */
bool json_check_keys(json_object *obj, const char *path,
    const char *const allowed[], struct json_verr *err);

#endif
