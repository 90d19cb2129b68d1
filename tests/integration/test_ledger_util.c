/* test_ledger_util.c - helpers of the ledger integration tests. */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "test_ledger_util.h"

void
lt_name(char *out, size_t cap, const char *tag)
{
	static unsigned counter;

	snprintf(out, cap, "%s_%ld_%llu_%u", tag, (long)getpid(),
	    (unsigned long long)harness_now_ms(), __atomic_fetch_add(&counter, 1,
	    __ATOMIC_RELAXED));
}

void
lt_post(const char *path, const char *key, const char *idem, const char *body,
    struct hresp *r)
{
	char header[320];
	const char *extra[2] = { NULL, NULL };

	if (idem != NULL) {
		snprintf(header, sizeof(header), "Idempotency-Key: %s", idem);
		extra[0] = header;
	}
	if (hreq("POST", path, key, "application/json", body, (size_t)-1, extra, r) != 0)
		ck_abort_msg("transport error on POST %s", path);
}

void
lt_get(const char *path, const char *key, struct hresp *r)
{
	if (hget(path, key, r) != 0)
		ck_abort_msg("transport error on GET %s", path);
}

void
lt_assert_error(const struct hresp *r, long status, const char *code, const char *field)
{
	const char *got = hresp_error_code(r), *f;

	ck_assert_msg(r->status == status, "status %ld, want %ld: %s", r->status, status,
	    r->body);
	ck_assert_msg(got != NULL && strcmp(got, code) == 0, "code %s, want %s: %s",
	    got ? got : "(none)", code, r->body);
	ck_assert_msg(hresp_str(r, "error.message") != NULL, "no message: %s", r->body);
	if (field != NULL) {
		f = hresp_str(r, "error.details.field");
		ck_assert_msg(f != NULL && strcmp(f, field) == 0, "field %s, want %s: %s",
		    f ? f : "(none)", field, r->body);
	}
}

void
lt_adjust(const char *key, const char *user, const char *symbol, const char *amount)
{
	char body[512];
	struct hresp r;

	snprintf(body, sizeof(body), "{\"adjustments\":[{\"user_id\":\"%s\","
	    "\"token_symbol\":\"%s\",\"amount\":\"%s\",\"reason_type\":\"adjustment\","
	    "\"reason_detail\":\"test setup\"}]}", user, symbol, amount);
	lt_post("/api/v1/balance/adjust", key, NULL, body, &r);
	ck_assert_msg(r.status == 201, "adjust %s %s %s: %ld %s", user, symbol, amount,
	    r.status, r.body);
	hresp_free(&r);
}

void
lt_pending(const char *key, const char *user, const char *symbol, char *out, size_t cap)
{
	char path[256];
	struct hresp r;
	json_object *b;
	const char *v;

	snprintf(path, sizeof(path), "/api/v1/balance/%s?token_symbol=%s", user, symbol);
	lt_get(path, key, &r);
	ck_assert_msg(r.status == 200, "GET %s: %ld %s", path, r.status, r.body);
	b = lt_idx(r.json, "balances", 0);
	ck_assert_msg(b != NULL, "no balance: %s", r.body);
	v = lt_str(b, "pending_balance");
	ck_assert_msg(v != NULL, "no pending_balance: %s", r.body);
	snprintf(out, cap, "%s", v);
	hresp_free(&r);
}

uint64_t
lt_rows(void)
{
	return hdb_scalar_u64("SELECT (SELECT COUNT(*) FROM balance_changes)"
	    " + (SELECT COUNT(*) FROM operations)"
	    " + (SELECT COUNT(*) FROM idempotency_keys)"
	    " + (SELECT COUNT(*) FROM user_balances)"
	    " + (SELECT COUNT(*) FROM wallets)"
	    " + (SELECT COUNT(*) FROM tokens)"
	    " + (SELECT COUNT(*) FROM reason_types)"
	    " + (SELECT COUNT(*) FROM batch_strategies)");
}

uint64_t
lt_user_rows(const char *user)
{
	return lt_sql_u64("SELECT (SELECT COUNT(*) FROM balance_changes WHERE user_id = ?)"
	    " + (SELECT COUNT(*) FROM user_balances WHERE user_id = ?)"
	    " + (SELECT COUNT(*) FROM wallets WHERE user_id = ?)", user, user, user, NULL);
}

const char *
lt_str(json_object *obj, const char *key)
{
	json_object *v;

	if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

json_object *
lt_idx(json_object *obj, const char *key, size_t i)
{
	json_object *v;

	if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_array) || i >= json_object_array_length(v))
		return NULL;
	return json_object_array_get_idx(v, i);
}

size_t
lt_len(json_object *obj, const char *key)
{
	json_object *v;

	if (obj == NULL || !json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_array))
		return 0;
	return json_object_array_length(v);
}

/* Collect the NULL-terminated string parameters that follow sql. */
static unsigned
lt_sql_params(va_list ap, const char *params[HDB_MAX_PARAMS])
{
	const char *p;
	unsigned n = 0;

	while ((p = va_arg(ap, const char *)) != NULL) {
		ck_assert_msg(n < HDB_MAX_PARAMS, "too many SQL parameters");
		params[n++] = p;
	}
	return n;
}

uint64_t
lt_sql_u64(const char *sql, ...)
{
	const char *params[HDB_MAX_PARAMS];
	char out[64];
	bool found;
	unsigned n;
	va_list ap;

	va_start(ap, sql);
	n = lt_sql_params(ap, params);
	va_end(ap);
	hdb_prepared(sql, params, n, out, sizeof(out), &found);
	return found ? strtoull(out, NULL, 10) : 0;
}

uint64_t
lt_sql_exec(const char *sql, ...)
{
	const char *params[HDB_MAX_PARAMS];
	unsigned n;
	va_list ap;

	va_start(ap, sql);
	n = lt_sql_params(ap, params);
	va_end(ap);
	return hdb_prepared(sql, params, n, NULL, 0, NULL);
}

bool
lt_sql_str(char *out, size_t cap, const char *sql, ...)
{
	const char *params[HDB_MAX_PARAMS];
	bool found;
	unsigned n;
	va_list ap;

	va_start(ap, sql);
	n = lt_sql_params(ap, params);
	va_end(ap);
	hdb_prepared(sql, params, n, out, cap, &found);
	return found;
}

void
lt_new_token(const char *admin_key, unsigned decimals, char *sym, size_t cap)
{
	unsigned char addr[20];
	char body[512], hex[41];
	struct hresp r;
	size_t i;

	ck_assert(getrandom(addr, sizeof(addr), 0) == (ssize_t)sizeof(addr));
	for (i = 0; i < sizeof(addr); i++)
		snprintf(hex + 2 * i, 3, "%02x", addr[i]);
	/* 20 characters at most: "T" + the low bits of time and pid. */
	snprintf(sym, cap, "T%05lx%08llx", (long)getpid() & 0xfffff,
	    (unsigned long long)(harness_now_ms() & 0xffffffffu));
	usleep(2000);
	snprintf(body, sizeof(body), "{\"symbol\":\"%s\",\"name\":\"Test token\","
	    "\"chain\":\"local\",\"chain_id\":31337,\"address\":\"0x%s\",\"decimals\":%u}",
	    sym, hex, decimals);
	lt_post("/api/v1/admin/tokens", admin_key, NULL, body, &r);
	ck_assert_msg(r.status == 201, "token create: %ld %s", r.status, r.body);
	hresp_free(&r);
}
