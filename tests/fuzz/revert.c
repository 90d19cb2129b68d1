/*
 * revert.c - fuzz target: revert data (eth/revert.h) and the way it
 * reaches the daemon, inside a node's JSON-RPC error (eth/rpc_error.h).
 *
 * Input: the bytes a call reverted with.  They are decoded and described
 * directly; then they are put in the error object a node would send
 * ({"code":3,"message":"execution reverted","data":"0x..."}, and the
 * "Reverted 0x..." form) and taken out again with rpc_error_from_json()
 * and rpc_error_revert_data().
 *
 * Properties: a decoded reason points into the data; Error(string) holds
 * an in-bounds message and Panic(uint256) exactly one word; the
 * description is NUL-terminated, fits buffers of many sizes (each a
 * prefix of the whole) and holds nothing that could break a log line;
 * the bytes come out of the error object unchanged (or CB_ERR_TOO_LARGE
 * when they cannot fit).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "eth/revert.h"
#include "eth/rpc_error.h"
#include "fuzz.h"

/* The description at full size and at every smaller size: a prefix. */
static void
fuzz_describe(const struct revert_reason *r)
{
	char full[REVERT_DESCRIBE_MAX], cut[REVERT_DESCRIBE_MAX];
	size_t n, m, cap, i;

	n = revert_describe(r, full, sizeof(full));
	FUZZ_CHECK(n < sizeof(full) && strlen(full) == n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(full[i] >= 0x20 && full[i] < 0x7f);
	for (cap = 1; cap < sizeof(cut); cap += cap < 8 ? 1 : cap / 2) {
		memset(cut, 'X', sizeof(cut));
		m = revert_describe(r, cut, cap);
		FUZZ_CHECK(m < cap && strlen(cut) == m);
		FUZZ_CHECK(memcmp(cut, full, m) == 0);
	}
	FUZZ_CHECK(revert_describe(r, cut, 0) == 0);
}

static void
fuzz_decode(const uint8_t *data, size_t size)
{
	struct revert_reason r;
	enum cb_err rc;

	rc = revert_decode(data, size, &r);
	if (rc != CB_OK) {
		FUZZ_CHECK(rc == CB_ERR_INVALID);
		FUZZ_CHECK(r.kind == REVERT_EMPTY && r.args == NULL);
		return;
	}
	FUZZ_CHECK((unsigned)r.kind < REVERT__MAX);
	FUZZ_CHECK((r.kind == REVERT_EMPTY) == (size == 0));
	if (r.args != NULL)
		FUZZ_CHECK(r.args == data + REVERT_SELECTOR_LEN &&
		    r.args_len == size - REVERT_SELECTOR_LEN);
	if (r.kind == REVERT_ERROR)
		FUZZ_CHECK((const uint8_t *)r.message >= r.args &&
		    r.message_len <= (size_t)(r.args + r.args_len -
		    (const uint8_t *)r.message));
	if (r.kind == REVERT_PANIC) {
		FUZZ_CHECK(r.args_len == 32);
		(void)revert_panic_text(&r.panic_code);
	}
	FUZZ_CHECK(revert_is(&r, "Error(string)") == (r.kind == REVERT_ERROR));
	FUZZ_CHECK(revert_is(&r, "Panic(uint256)") == (r.kind == REVERT_PANIC));
	(void)revert_is(&r, "BatchAlreadyProcessed(bytes32)");
	fuzz_describe(&r);
}

/* The bytes inside a node's error object, in the form of prefix. */
static void
fuzz_error_object(const uint8_t *data, size_t size, const char *prefix)
{
	static uint8_t out[RPC_REVERT_DATA_MAX + 64];
	struct rpc_error err;
	json_object *eobj;
	char *text;
	size_t n, plen = strlen(prefix);
	enum cb_err rc;

	if ((text = malloc(plen + 2 * size + 3)) == NULL)
		return;
	memcpy(text, prefix, plen);
	hex_encode(text + plen, 2 * size + 3, data, size, true);
	eobj = json_object_new_object();
	json_object_object_add(eobj, "code", json_object_new_int(3));
	json_object_object_add(eobj, "message",
	    json_object_new_string("execution reverted"));
	json_object_object_add(eobj, "data", json_object_new_string(text));
	rpc_error_clear(&err);
	rpc_error_from_json(eobj, &err);
	FUZZ_CHECK(err.errclass == RPC_ERRCLASS_REVERTED && err.has_data);
	rc = rpc_error_revert_data(&err, out, sizeof(out), &n);
	if (plen + 2 * size + 2 >= sizeof(err.data)) {
		FUZZ_CHECK(rc == CB_ERR_TOO_LARGE && n == 0);
	} else {
		FUZZ_CHECK(rc == CB_OK);
		FUZZ_CHECK(n == size && memcmp(out, data, size) == 0);
		/* Too small a buffer is refused, not overrun. */
		if (size > 0)
			FUZZ_CHECK(rpc_error_revert_data(&err, out, size - 1,
			    &n) == CB_ERR_TOO_LARGE);
	}
	json_object_put(eobj);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	/* A copy of exactly size bytes, so any overread is caught. */
	if ((copy = malloc(size > 0 ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	fuzz_decode(copy, size);
	fuzz_error_object(copy, size, "");
	fuzz_error_object(copy, size, "Reverted ");
	free(copy);
	return 0;
}
