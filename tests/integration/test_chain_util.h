/*
 * test_chain_util.h - what the chain data integration tests share: a chain
 * id of their own, tokens registered on it, rows written straight into the
 * chain index tables (the syncer's job, done by hand here) and removed
 * again, cast against the stack's anvil, and JSON assertions.
 *
 * Test-only code on top of harness.h and test_ledger_util.h; failures
 * abort the test case.
 */
#ifndef CB_TEST_CHAIN_UTIL_H
#define CB_TEST_CHAIN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "test_ledger_util.h"

/* The stack's chain (scripts/stack). */
#define CT_STACK_CHAIN_ID	"31337"
/* Room for a cast answer. */
#define CT_OUT_MAX		65536

/*
 * A chain id no [chain] section and no other test uses: 7000000000 + pid,
 * as decimal text.
 */
const char	*ct_fake_chain(void);

/*
 * Registers a token through POST /api/v1/admin/tokens on chain_id (chain
 * name "testchain" unless chain_id is the stack's) with a random address;
 * writes its symbol and its address as 40 lowercase hex digits.
 */
void		 ct_token(const char *chain_id, unsigned decimals, char *sym, size_t cap,
		    char addr_hex[41]);

/* The id of the token called sym, as decimal text (static buffer). */
const char	*ct_token_id(const char *sym);

/* Removes the token and its staking pools (no ledger rows may refer to it). */
void		 ct_token_drop(const char *sym);

/* Removes every row of chain_id from the chain index tables. */
void		 ct_chain_drop(const char *chain_id);

/* 40 random lowercase hex digits (an address), NUL-terminated. */
void		 ct_random_hex(char *out, size_t digits);

/* The EIP-55 form of 40 hex digits (any case), "0x..." (static buffer; the
 * last 16 results stay valid). */
const char	*ct_eip55(const char *hex40);

/* The lowercase form "0x" + hex of 40 or 64 digits, in out. */
void		 ct_lower(char *out, size_t cap, const char *hex);

/*
 * Runs $CAST with the arguments up to NULL and returns its exit status;
 * its standard output (trimmed) lands in out.
 */
int		 ct_cast(char *out, size_t cap, const char *arg, ...)
		    __attribute__((sentinel));

/*
 * cast send --unlocked --from from --json to sig args... on the stack's
 * anvil; asserts the receipt's status is 1 and returns it (put it).
 */
json_object	*ct_send(const char *from, const char *to, const char *sig, ...)
		    __attribute__((sentinel));

/* cast call to sig args... [--block N when block is not NULL]: the
 * returned uint256 as decimal text in out. */
void		 ct_call_uint(char *out, size_t cap, const char *block, const char *to,
		    const char *sig, const char *arg);

/* The node's head block number. */
uint64_t	 ct_head(void);

/* The timestamp of block number n on the node. */
uint64_t	 ct_block_time(uint64_t n);

/* A "0x.." quantity of a JSON string member as a number (aborts if absent). */
uint64_t	 ct_quantity(json_object *obj, const char *key);

/* Asserts obj's member key is the string want (or JSON null when want is NULL). */
void		 ct_assert_str(json_object *obj, const char *key, const char *want);
/* Asserts obj's member key is the unsigned integer want. */
void		 ct_assert_u64(json_object *obj, const char *key, uint64_t want);
/* Asserts obj's member key is the boolean want. */
void		 ct_assert_bool(json_object *obj, const char *key, bool want);
/* Asserts obj's member key is JSON null. */
void		 ct_assert_null(json_object *obj, const char *key);
/* Asserts obj has exactly n members. */
void		 ct_assert_members(json_object *obj, int n);

/*
 * Asserts got serialises exactly like the JSON text made from fmt (same
 * members in the same order, same values and types).
 */
void		 ct_assert_json(json_object *got, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* GET path with key: asserts status 200 and returns the parsed body
 * (owned by r; free r). */
json_object	*ct_get_ok(const char *path, const char *key, struct hresp *r);
/* POST body to path with key: asserts status 200. */
json_object	*ct_post_ok(const char *path, const char *key, const char *body,
		    struct hresp *r);

#endif
