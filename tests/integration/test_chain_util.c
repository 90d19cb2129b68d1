/* test_chain_util.c - helpers of the chain data integration tests. */
#include "config.h"

#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "eth/address.h"
#include "test_chain_util.h"

#define CT_MAX_ARGS	32
/* Results of ct_eip55 alive at once (one printf may use many). */
#define CT_EIP55_SLOTS	16

const char *
ct_fake_chain(void)
{
	static char id[32];

	if (id[0] == '\0')
		snprintf(id, sizeof(id), "%llu", 7000000000ULL + (unsigned long long)getpid());
	return id;
}

void
ct_random_hex(char *out, size_t digits)
{
	unsigned char b[64];
	size_t i;

	ck_assert(digits / 2 <= sizeof(b));
	ck_assert(getrandom(b, digits / 2, 0) == (ssize_t)(digits / 2));
	for (i = 0; i < digits / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	out[digits] = '\0';
}

const char *
ct_eip55(const char *hex40)
{
	static char buf[CT_EIP55_SLOTS][ADDRESS_STR_SIZE];
	static unsigned slot;
	char text[ADDRESS_HEX_LEN + 1], *out = buf[slot++ % CT_EIP55_SLOTS];
	struct address a;
	size_t i;

	text[0] = '0';
	text[1] = 'x';
	for (i = 0; i < 40; i++)
		text[2 + i] = (char)(hex40[i] >= 'A' && hex40[i] <= 'F' ? hex40[i] - 'A' + 'a' :
		    hex40[i]);
	text[42] = '\0';
	ck_assert_msg(address_parse(text, ADDRESS_HEX_LEN, &a) == ADDRESS_OK, "bad address %s",
	    hex40);
	address_to_checksum(&a, out);
	return out;
}

void
ct_lower(char *out, size_t cap, const char *hex)
{
	size_t i, n = strlen(hex);

	if (n >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
		hex += 2;
		n -= 2;
	}
	ck_assert(n + 3 <= cap);
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < n; i++)
		out[2 + i] = (char)(hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] - 'A' + 'a' : hex[i]);
	out[2 + n] = '\0';
}

void
ct_token(const char *chain_id, unsigned decimals, char *sym, size_t cap, char addr_hex[41])
{
	static unsigned counter;
	char body[512];
	struct hresp r;

	ct_random_hex(addr_hex, 40);
	snprintf(sym, cap, "C%05lx%06llx%u", (long)getpid() & 0xfffff,
	    (unsigned long long)(harness_now_ms() & 0xffffff), counter++ % 10);
	snprintf(body, sizeof(body), "{\"symbol\":\"%s\",\"name\":\"Chain test token\","
	    "\"chain\":\"%s\",\"chain_id\":%s,\"address\":\"0x%s\",\"decimals\":%u}", sym,
	    strcmp(chain_id, CT_STACK_CHAIN_ID) == 0 ? "local" : "testchain", chain_id,
	    addr_hex, decimals);
	lt_post("/api/v1/admin/tokens", harness_env()->api_key, NULL, body, &r);
	ck_assert_msg(r.status == 201, "token create: %ld %s", r.status, r.body);
	hresp_free(&r);
}

const char *
ct_token_id(const char *sym)
{
	static char id[32];

	ck_assert_msg(lt_sql_str(id, sizeof(id), "SELECT id FROM tokens WHERE symbol = ?", sym,
	    NULL), "no token %s", sym);
	return id;
}

void
ct_token_drop(const char *sym)
{
	lt_sql_exec("DELETE p FROM staking_pools p JOIN tokens t ON t.id = p.token_id"
	    " WHERE t.symbol = ?", sym, NULL);
	lt_sql_exec("DELETE FROM batch_strategies WHERE token_id ="
	    " (SELECT id FROM tokens WHERE symbol = ?)", sym, NULL);
	lt_sql_exec("DELETE FROM tokens WHERE symbol = ? AND NOT EXISTS"
	    " (SELECT 1 FROM balance_changes c WHERE c.token_id = tokens.id)", sym, NULL);
}

void
ct_chain_drop(const char *chain_id)
{
	static const char *const sql[] = {
		"DELETE FROM sync_checkpoints WHERE chain_id = ?",
		"DELETE FROM consistency_issues WHERE chain_id = ?",
		"DELETE FROM blocks WHERE chain_id = ?",
		"DELETE FROM transactions WHERE chain_id = ?",
		"DELETE FROM logs WHERE chain_id = ?",
		"DELETE FROM token_balances WHERE chain_id = ?",
		"DELETE FROM token_supply WHERE chain_id = ?",
		"DELETE FROM transfers WHERE chain_id = ?",
		"DELETE FROM approvals WHERE chain_id = ?",
		"DELETE FROM allowances WHERE chain_id = ?",
		"DELETE FROM stakes WHERE chain_id = ?",
		"DELETE FROM unstakes WHERE chain_id = ?",
		"DELETE FROM reward_claims WHERE chain_id = ?",
		"DELETE FROM staking_pools WHERE chain_id = ?",
		"DELETE FROM wallets WHERE chain_id = ?",
	};
	size_t i;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		lt_sql_exec(sql[i], chain_id, NULL);
}

/* Runs argv (argv[0] the cast binary) and trims the output. */
static int
ct_run(const char *const argv[], char *out, size_t cap)
{
	size_t n;
	int rc;

	rc = harness_run(argv, out, cap);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' ' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return rc;
}

int
ct_cast(char *out, size_t cap, const char *arg, ...)
{
	const char *argv[CT_MAX_ARGS];
	const char *cast = harness_getenv("CAST");
	unsigned n = 0;
	va_list ap;

	ck_assert_msg(cast != NULL, "CAST is not set");
	argv[n++] = cast;
	argv[n++] = arg;
	va_start(ap, arg);
	while ((argv[n] = va_arg(ap, const char *)) != NULL) {
		ck_assert(++n < CT_MAX_ARGS - 1);
	}
	va_end(ap);
	return ct_run(argv, out, cap);
}

json_object *
ct_send(const char *from, const char *to, const char *sig, ...)
{
	const char *argv[CT_MAX_ARGS];
	const char *cast = harness_getenv("CAST"), *rpc = harness_getenv("ETH_RPC_URL");
	static char out[CT_OUT_MAX];
	json_object *receipt, *st;
	unsigned n = 0;
	va_list ap;
	int rc;

	ck_assert_msg(cast != NULL && rpc != NULL, "CAST or ETH_RPC_URL is not set");
	argv[n++] = cast;
	argv[n++] = "send";
	argv[n++] = "--rpc-url";
	argv[n++] = rpc;
	argv[n++] = "--unlocked";
	argv[n++] = "--from";
	argv[n++] = from;
	argv[n++] = "--json";
	argv[n++] = to;
	argv[n++] = sig;
	va_start(ap, sig);
	while ((argv[n] = va_arg(ap, const char *)) != NULL)
		ck_assert(++n < CT_MAX_ARGS - 1);
	va_end(ap);
	rc = ct_run(argv, out, sizeof(out));
	ck_assert_msg(rc == 0, "cast send %s failed (%d): %s", sig, rc, out);
	receipt = json_tokener_parse(out);
	ck_assert_msg(receipt != NULL, "cast send %s: not JSON: %s", sig, out);
	ck_assert(json_object_object_get_ex(receipt, "status", &st));
	ck_assert_msg(strcmp(json_object_get_string(st), "0x1") == 0, "%s reverted: %s", sig,
	    out);
	return receipt;
}

void
ct_call_uint(char *out, size_t cap, const char *block, const char *to, const char *sig,
    const char *arg)
{
	const char *rpc = harness_getenv("ETH_RPC_URL");
	char *sp;
	int rc;

	if (block != NULL)
		rc = arg != NULL ?
		    ct_cast(out, cap, "call", "--rpc-url", rpc, "--block", block, to, sig, arg,
		    NULL) :
		    ct_cast(out, cap, "call", "--rpc-url", rpc, "--block", block, to, sig, NULL);
	else
		rc = arg != NULL ? ct_cast(out, cap, "call", "--rpc-url", rpc, to, sig, arg, NULL) :
		    ct_cast(out, cap, "call", "--rpc-url", rpc, to, sig, NULL);
	ck_assert_msg(rc == 0, "cast call %s failed: %s", sig, out);
	/* "1000 [1e3]": the number is the first word. */
	if ((sp = strchr(out, ' ')) != NULL)
		*sp = '\0';
}

uint64_t
ct_head(void)
{
	char out[64];

	ck_assert(ct_cast(out, sizeof(out), "block-number", "--rpc-url",
	    harness_getenv("ETH_RPC_URL"), NULL) == 0);
	return strtoull(out, NULL, 10);
}

uint64_t
ct_block_time(uint64_t n)
{
	char out[64], num[32];

	snprintf(num, sizeof(num), "%" PRIu64, n);
	ck_assert(ct_cast(out, sizeof(out), "block", num, "--field", "timestamp", "--rpc-url",
	    harness_getenv("ETH_RPC_URL"), NULL) == 0);
	return strtoull(out, NULL, 0);
}

uint64_t
ct_quantity(json_object *obj, const char *key)
{
	json_object *v;

	ck_assert_msg(json_object_object_get_ex(obj, key, &v) &&
	    json_object_is_type(v, json_type_string), "no %s", key);
	return strtoull(json_object_get_string(v), NULL, 16);
}

void
ct_assert_str(json_object *obj, const char *key, const char *want)
{
	json_object *v;

	ck_assert_msg(json_object_object_get_ex(obj, key, &v), "no member %s in %s", key,
	    json_object_to_json_string(obj));
	if (want == NULL) {
		ck_assert_msg(v == NULL, "%s is %s, want null", key, json_object_to_json_string(v));
		return;
	}
	ck_assert_msg(v != NULL && json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), want) == 0, "%s is %s, want \"%s\"", key,
	    json_object_to_json_string(v), want);
}

void
ct_assert_u64(json_object *obj, const char *key, uint64_t want)
{
	json_object *v;

	ck_assert_msg(json_object_object_get_ex(obj, key, &v) && v != NULL &&
	    json_object_is_type(v, json_type_int), "no integer %s in %s", key,
	    json_object_to_json_string(obj));
	ck_assert_msg(json_object_get_uint64(v) == want, "%s is %" PRIu64 ", want %" PRIu64,
	    key, json_object_get_uint64(v), want);
}

void
ct_assert_bool(json_object *obj, const char *key, bool want)
{
	json_object *v;

	ck_assert_msg(json_object_object_get_ex(obj, key, &v) && v != NULL &&
	    json_object_is_type(v, json_type_boolean), "no boolean %s in %s", key,
	    json_object_to_json_string(obj));
	ck_assert_msg(json_object_get_boolean(v) == want, "%s is %d, want %d", key,
	    json_object_get_boolean(v), want);
}

void
ct_assert_null(json_object *obj, const char *key)
{
	json_object *v;

	ck_assert_msg(json_object_object_get_ex(obj, key, &v) && v == NULL,
	    "%s is not null in %s", key, json_object_to_json_string(obj));
}

void
ct_assert_members(json_object *obj, int n)
{
	ck_assert_msg(json_object_object_length(obj) == n, "%d members, want %d: %s",
	    json_object_object_length(obj), n, json_object_to_json_string(obj));
}

json_object *
ct_get_ok(const char *path, const char *key, struct hresp *r)
{
	lt_get(path, key, r);
	ck_assert_msg(r->status == 200, "GET %s: %ld %s", path, r->status, r->body);
	ck_assert_msg(r->json != NULL, "GET %s: not JSON", path);
	return r->json;
}

json_object *
ct_post_ok(const char *path, const char *key, const char *body, struct hresp *r)
{
	lt_post(path, key, NULL, body, r);
	ck_assert_msg(r->status == 200, "POST %s: %ld %s", path, r->status, r->body);
	ck_assert_msg(r->json != NULL, "POST %s: not JSON", path);
	return r->json;
}

void
ct_assert_json(json_object *got, const char *fmt, ...)
{
	static char text[CT_OUT_MAX];
	json_object *want;
	char *a, *b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	want = json_tokener_parse(text);
	ck_assert_msg(want != NULL, "expected text is not JSON: %s", text);
	a = strdup(json_object_to_json_string_ext(got, JSON_C_TO_STRING_PLAIN));
	b = strdup(json_object_to_json_string_ext(want, JSON_C_TO_STRING_PLAIN));
	ck_assert(a != NULL && b != NULL);
	ck_assert_msg(strcmp(a, b) == 0, "\n got  %s\n want %s", a, b);
	free(a);
	free(b);
	json_object_put(want);
}
