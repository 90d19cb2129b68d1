/*
 * test_eth_anvil.c - the Ethereum layer (keccak, rlp, abi, address, secp,
 * tx, rpc) against a real anvil node: deploy ChainBridgeToken from a signed
 * EIP-1559 transaction, grant roles, batch-mint and read back balances and
 * Transfer logs, the node's answers to resent, stale and replaced
 * transactions (also as batches of transactions and receipts), and the
 * revert data of the contract's errors.  Prints the gas of batchMint per
 * recipient.
 *
 * Environment: ETH_RPC_URL (else the ETH_RPC_URL line of the stack's env
 * file, $CHAINBRIDGE_STATE_DIR/env or $CB_SRCDIR/.stack/env), CB_SRCDIR
 * (for contracts/build/ChainBridgeToken.json, made by
 * `node scripts/compile-contracts.js`).  Without a node the test exits 77
 * (skip), or 99 when CB_REQUIRE_STACK=1.
 *
 * The signer is anvil's first development account, which the stack's own
 * processes may use too: every send reads the pending nonce right before
 * signing and retries a bounded number of times when another sender took
 * it.  Cases that switch automine off switch it on again at the end, and
 * the per-case teardown (run by the parent process, so also after a failed
 * or killed case) switches it on in every path.
 */
#include "config.h"

#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "eth/abi.h"
#include "eth/address.h"
#include "eth/hash32.h"
#include "core/err.h"
#include "core/hex.h"
#include "eth/keccak.h"
#include "eth/revert.h"
#include "eth/rlp.h"
#include "eth/rpc.h"
#include "eth/secp.h"
#include "eth/tx.h"
#include "money/u256.h"

/* Longest URL or path value read from the environment. */
#define ETHIT_VALUE_MAX		1024
/* Longest line of the stack's env file. */
#define ETHIT_LINE_MAX		2048
/* EIP-3860 limit on init code: the most bytecode we accept. */
#define ETHIT_BYTECODE_MAX	49152
/* Largest artifact file read. */
#define ETHIT_ARTIFACT_MAX	((off_t)4 * 1024 * 1024)
/* Cap on one ABI encoding (100 recipients need about 6.5 KiB). */
#define ETHIT_CALLDATA_MAX	(64 * 1024)
/* How long a receipt may take to appear, and the polling step. */
#define ETHIT_RECEIPT_WAIT_MS	30000
#define ETHIT_POLL_MS		100
/* Sends retried when another sender took the nonce, and the pause. */
#define ETHIT_SEND_ATTEMPTS	5
#define ETHIT_SEND_RETRY_MS	200
/* Seconds one case may run (forked mode only). */
#define ETHIT_CASE_TIMEOUT	180
/* Recipients of the log/balance case. */
#define ETHIT_MINT_COUNT	100
/* The largest batch of the gas table. */
#define ETHIT_GAS_MAX_N		100

/* anvil's first development key (mnemonic "test test ... junk"), public. */
static const char ethit_dev_key[] =
    "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char ethit_dev_address[] =
    "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

static const char ethit_token_name[] = "ChainBridge Test Token";
static const char ethit_token_symbol[] = "CBTT";
static const uint64_t ethit_token_decimals = 18;

/* Settled once in main() before any case runs. */
static char ethit_url[ETHIT_VALUE_MAX];
static char ethit_srcdir[ETHIT_VALUE_MAX];
/* The run's temporary directory (key files), emptied and removed by main()
 * also when a forked case died before its teardown. */
static char ethit_tmpdir[PATH_MAX];

/* State of one case, built by the checked setup, freed by its teardown. */
struct ethit {
	struct rpc_client	*rpc;
	struct secp_key		*key;
	struct address		 signer;
	uint64_t		 chain_id;
	bool			 is_anvil;
	char			 client_version[128];
	uint8_t			*bytecode;
	size_t			 bytecode_len;
	char			 keyfile[PATH_MAX];
};

static struct ethit ctx;

#define ETHIT_OK(rc, err, what)						\
	ck_assert_msg((rc) == CB_OK, "%s: %s (%s) %s", (what),		\
	    cb_errcode(rc), rpc_errclass_name((err).errclass), (err).message)

/* ------------------------------------------------------------ utilities */

static uint64_t
ethit_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

static void
ethit_sleep_ms(unsigned ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000U);
	ts.tv_nsec = (long)(ms % 1000U) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		continue;
}

static bool
ethit_copy(char *dst, size_t cap, const char *src)
{
	int n = snprintf(dst, cap, "%s", src);

	return n >= 0 && (size_t)n < cap;
}

static struct rpc_block_ref
ethit_ref(enum rpc_block_tag tag)
{
	struct rpc_block_ref ref;

	ref.tag = tag;
	ref.number = 0;
	return ref;
}

/*
 * The value of "export NAME=value" (or "NAME=value") in the env file at
 * path, into out.  Surrounding single or double quotes are dropped; a value
 * holding any other quoting is refused.  Returns true if found.
 */
static bool
ethit_env_file_value(const char *path, const char *name, char *out, size_t cap)
{
	FILE *f;
	char line[ETHIT_LINE_MAX];
	size_t nlen = strlen(name);
	bool found = false;

	if ((f = fopen(path, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		char *p = line, *end;
		size_t vlen;

		if (strncmp(p, "export ", 7) == 0)
			p += 7;
		if (strncmp(p, name, nlen) != 0 || p[nlen] != '=')
			continue;
		p += nlen + 1;
		p[strcspn(p, "\r\n")] = '\0';
		vlen = strlen(p);
		if (vlen >= 2 && (p[0] == '\'' || p[0] == '"') &&
		    p[vlen - 1] == p[0]) {
			p[vlen - 1] = '\0';
			p++;
		}
		for (end = p; *end != '\0'; end++)
			if (*end == '\\' || *end == '\'' || *end == '"' ||
			    *end == '$' || *end == ' ')
				break;
		if (*end != '\0' || *p == '\0')
			break;
		found = ethit_copy(out, cap, p);
	}
	fclose(f);
	return found;
}

/* Exits 77 (skip), or 99 when CB_REQUIRE_STACK=1. */
static _Noreturn void
ethit_no_node(const char *why)
{
	const char *req = getenv("CB_REQUIRE_STACK");

	if (req != NULL && strcmp(req, "1") == 0) {
		fprintf(stderr, "test_eth_anvil: CB_REQUIRE_STACK=1 but %s\n", why);
		exit(99);
	}
	fprintf(stderr, "test_eth_anvil: skipping: %s\n", why);
	exit(77);
}

/*
 * Settles ethit_url and ethit_srcdir, and checks that the node answers
 * eth_chainId.  An explicit ETH_RPC_URL that does not answer is a failure;
 * one from a leftover env file of a stack that is down is a skip.
 */
static void
ethit_require_node(void)
{
	const char *v, *state;
	char path[PATH_MAX];
	bool from_file = false;
	int n;
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_error err;
	uint64_t chain_id;
	enum cb_err rc;

	v = getenv("CB_SRCDIR");
	if (!ethit_copy(ethit_srcdir, sizeof(ethit_srcdir),
	    v != NULL && *v != '\0' ? v : "."))
		ethit_no_node("CB_SRCDIR is too long");

	v = getenv("ETH_RPC_URL");
	if (v != NULL && *v != '\0') {
		if (!ethit_copy(ethit_url, sizeof(ethit_url), v))
			ethit_no_node("ETH_RPC_URL is too long");
	} else {
		state = getenv("CHAINBRIDGE_STATE_DIR");
		if (state != NULL && *state != '\0')
			n = snprintf(path, sizeof(path), "%s/env", state);
		else
			n = snprintf(path, sizeof(path), "%s/.stack/env",
			    ethit_srcdir);
		if (n < 0 || (size_t)n >= sizeof(path))
			ethit_no_node("the stack's env file path is too long");
		if (!ethit_env_file_value(path, "ETH_RPC_URL", ethit_url,
		    sizeof(ethit_url)))
			ethit_no_node("no node (ETH_RPC_URL unset, no stack env file)");
		from_file = true;
	}

	rpc_opts_init(&o);
	o.max_retries = 1;
	o.timeout_ms = 5000;
	if ((c = rpc_client_new(ethit_url, &o)) == NULL) {
		fprintf(stderr, "test_eth_anvil: bad ETH_RPC_URL %s\n", ethit_url);
		exit(99);
	}
	rc = rpc_eth_chain_id(c, &chain_id, &err);
	rpc_client_free(c);
	if (rc != CB_OK) {
		if (from_file)
			ethit_no_node("the stack's node does not answer "
			    "(stack down?)");
		fprintf(stderr, "test_eth_anvil: %s does not answer "
		    "eth_chainId: %s %s\n", ethit_url, cb_errcode(rc),
		    err.message);
		exit(99);
	}
	fprintf(stderr, "test_eth_anvil: node %s, chain id %" PRIu64 "\n",
	    ethit_url, chain_id);
}

/*
 * Writes a key file holding text with the given mode into dir/name (a
 * leftover of an earlier case is replaced), path into out.  The mode is
 * set with fchmod so the umask does not change it.
 */
static void
ethit_write_keyfile(const char *dir, const char *name, const char *text,
    mode_t mode, char *out, size_t cap)
{
	int fd, n;
	size_t len = strlen(text);

	n = snprintf(out, cap, "%s/%s", dir, name);
	ck_assert(n > 0 && (size_t)n < cap);
	unlink(out);
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "create %s: %s", out, strerror(errno));
	ck_assert_msg(write(fd, text, len) == (ssize_t)len, "write %s", out);
	ck_assert_msg(fchmod(fd, mode) == 0, "chmod %s", out);
	ck_assert(close(fd) == 0);
}

/* Reads the contract's init code from the compiled artifact. */
static void
ethit_load_bytecode(uint8_t **out, size_t *out_len)
{
	char path[PATH_MAX];
	struct stat st;
	json_object *doc = NULL, *bc;
	const char *hex;
	size_t hexlen, len = 0;
	uint8_t *code;
	int n;

	n = snprintf(path, sizeof(path),
	    "%s/contracts/build/ChainBridgeToken.json", ethit_srcdir);
	ck_assert(n > 0 && (size_t)n < sizeof(path));
	ck_assert_msg(stat(path, &st) == 0, "%s: %s (run `node "
	    "scripts/compile-contracts.js` in the source tree)", path,
	    strerror(errno));
	ck_assert_msg(st.st_size > 0 && st.st_size < ETHIT_ARTIFACT_MAX,
	    "%s: unexpected size %lld", path, (long long)st.st_size);
	doc = json_object_from_file(path);
	ck_assert_msg(doc != NULL, "%s: not JSON", path);
	ck_assert_msg(json_object_object_get_ex(doc, "bytecode", &bc) &&
	    json_object_is_type(bc, json_type_string),
	    "%s: no \"bytecode\" string", path);
	hex = json_object_get_string(bc);
	hexlen = (size_t)json_object_get_string_len(bc);
	ck_assert_msg(hexlen > 2 && strncmp(hex, "0x", 2) == 0 &&
	    (hexlen - 2) / 2 <= ETHIT_BYTECODE_MAX,
	    "%s: bytecode is not 0x-hex of a sane size", path);
	code = malloc((hexlen - 2) / 2);
	ck_assert(code != NULL);
	ck_assert_msg(hex_decode(code, (hexlen - 2) / 2, hex, hexlen, &len) == 0,
	    "%s: bytecode is not hex", path);
	json_object_put(doc);
	*out = code;
	*out_len = len;
}

/* ------------------------------------------------------------- fixtures */

static void
ethit_setup(void)
{
	char keytext[80], errbuf[256];
	struct rpc_error err;
	json_object *ver = NULL;
	struct address want;
	enum cb_err rc;
	int n;

	memset(&ctx, 0, sizeof(ctx));
	ck_assert(secp_init() == CB_OK);
	n = snprintf(keytext, sizeof(keytext), "%s\n", ethit_dev_key);
	ck_assert(n > 0 && (size_t)n < sizeof(keytext));
	ethit_write_keyfile(ethit_tmpdir, "signer.key", keytext, 0600,
	    ctx.keyfile, sizeof(ctx.keyfile));
	rc = secp_key_load(ctx.keyfile, &ctx.key, errbuf, sizeof(errbuf));
	ck_assert_msg(rc == CB_OK, "secp_key_load: %s: %s", cb_errcode(rc),
	    errbuf);
	secp_key_address(ctx.key, &ctx.signer);
	ck_assert(address_parse(ethit_dev_address, strlen(ethit_dev_address),
	    &want) == ADDRESS_OK);
	ck_assert_msg(address_eq(&ctx.signer, &want),
	    "the development key does not give its well-known address");

	ctx.rpc = rpc_client_new(ethit_url, NULL);
	ck_assert(ctx.rpc != NULL);
	rc = rpc_eth_chain_id(ctx.rpc, &ctx.chain_id, &err);
	ETHIT_OK(rc, err, "eth_chainId");
	rc = rpc_call(ctx.rpc, "web3_clientVersion", NULL, &ver, &err);
	if (rc == CB_OK && ver != NULL &&
	    json_object_is_type(ver, json_type_string)) {
		ethit_copy(ctx.client_version, sizeof(ctx.client_version),
		    json_object_get_string(ver));
		ctx.is_anvil = strncasecmp(ctx.client_version, "anvil", 5) == 0;
	}
	json_object_put(ver);
	ethit_load_bytecode(&ctx.bytecode, &ctx.bytecode_len);
}

static void
ethit_teardown(void)
{
	if (ctx.keyfile[0] != '\0')
		unlink(ctx.keyfile);
	secp_key_free(ctx.key);
	rpc_client_free(ctx.rpc);
	free(ctx.bytecode);
	memset(&ctx, 0, sizeof(ctx));
	secp_cleanup();
}

/* Switches anvil's automine on or off; returns the call's status. */
static enum cb_err
ethit_set_automine(struct rpc_client *c, bool on, struct rpc_error *err)
{
	json_object *params, *res = NULL;
	enum cb_err rc;

	if ((params = json_object_new_array()) == NULL)
		return CB_ERR_NOMEM;
	json_object_array_add(params, json_object_new_boolean(on));
	rc = rpc_call(c, "anvil_setAutomine", params, &res, err);
	json_object_put(res);
	json_object_put(params);
	return rc;
}

/*
 * Unchecked teardown of the cases that stop automine: runs in the parent
 * process after the case, whatever became of it, and switches automine on.
 */
static void
ethit_restore_automine(void)
{
	struct rpc_client *c;
	struct rpc_error err;
	enum cb_err rc;

	if ((c = rpc_client_new(ethit_url, NULL)) == NULL) {
		fprintf(stderr, "test_eth_anvil: cannot restore automine\n");
		return;
	}
	rc = ethit_set_automine(c, true, &err);
	if (rc != CB_OK)
		fprintf(stderr, "test_eth_anvil: anvil_setAutomine(true): %s %s\n",
		    cb_errcode(rc), err.message);
	rpc_client_free(c);
}

static void
ethit_automine(bool on)
{
	struct rpc_error err;
	enum cb_err rc;

	rc = ethit_set_automine(ctx.rpc, on, &err);
	ETHIT_OK(rc, err, on ? "anvil_setAutomine(true)" : "anvil_setAutomine(false)");
}

static void
ethit_mine(void)
{
	struct rpc_error err;
	json_object *res = NULL;
	enum cb_err rc;

	rc = rpc_call(ctx.rpc, "evm_mine", NULL, &res, &err);
	json_object_put(res);
	ETHIT_OK(rc, err, "evm_mine");
}

/* ------------------------------------------------------ chain helpers */

/*
 * Fee caps for the next block: the base fee the node announces for it
 * (last entry of eth_feeHistory) doubled, plus eth_maxPriorityFeePerGas.
 */
static void
ethit_fees(u256 *max_fee, u256 *priority)
{
	struct rpc_fee_history fh;
	struct rpc_error err;
	const uint8_t pct = 50;
	u256 base;
	enum cb_err rc;

	memset(&fh, 0, sizeof(fh));
	rc = rpc_eth_fee_history(ctx.rpc, 4, ethit_ref(RPC_BLOCK_LATEST), &pct,
	    1, &fh, &err);
	ETHIT_OK(rc, err, "eth_feeHistory");
	ck_assert_msg(fh.base_fee_count > 0, "eth_feeHistory: no base fees");
	base = fh.base_fee_per_gas[fh.base_fee_count - 1];
	rpc_fee_history_clear(&fh);
	rc = rpc_eth_max_priority_fee_per_gas(ctx.rpc, priority, &err);
	ETHIT_OK(rc, err, "eth_maxPriorityFeePerGas");
	ck_assert(u256_mul_u64(max_fee, &base, 2) == 0);
	ck_assert(u256_add(max_fee, max_fee, priority) == 0);
}

static uint64_t
ethit_nonce(enum rpc_block_tag tag)
{
	struct rpc_error err;
	uint64_t nonce = 0;
	enum cb_err rc;

	rc = rpc_eth_get_transaction_count(ctx.rpc, &ctx.signer,
	    ethit_ref(tag), &nonce, &err);
	ETHIT_OK(rc, err, "eth_getTransactionCount");
	return nonce;
}

/* A deterministic distinct address: the last 20 bytes of
 * Keccak-256("chainbridge-ethit" || tag || index). */
static void
ethit_holder(uint32_t tag, uint32_t index, struct address *out)
{
	uint8_t seed[17 + 8], h[KECCAK256_LEN];
	size_t i;

	memcpy(seed, "chainbridge-ethit", 17);
	for (i = 0; i < 4; i++) {
		seed[17 + i] = (uint8_t)(tag >> (24 - 8 * i));
		seed[21 + i] = (uint8_t)(index >> (24 - 8 * i));
	}
	keccak256(seed, sizeof(seed), h);
	memcpy(out->bytes, h + 12, ADDRESS_LEN);
}

/* Fills an EIP-1559 transaction of the signer. */
static void
ethit_tx_init(struct tx *t, uint64_t nonce, const struct address *to,
    const uint8_t *data, size_t data_len, uint64_t gas, const u256 *max_fee,
    const u256 *priority)
{
	memset(t, 0, sizeof(*t));
	t->type = TX_EIP1559;
	t->chain_id = ctx.chain_id;
	t->nonce = nonce;
	t->max_fee_per_gas = *max_fee;
	t->max_priority_fee_per_gas = *priority;
	t->gas_limit = gas;
	if (to != NULL) {
		t->has_to = true;
		t->to = *to;
	}
	u256_zero(&t->value);
	t->data = data;
	t->data_len = data_len;
}

/* Waits (bounded) for the receipt of hash: CB_OK, CB_ERR_NOT_FOUND when
 * none came in time, or the call's error. */
static enum cb_err
ethit_wait_receipt(const struct hash32 *hash, struct rpc_receipt *out,
    struct rpc_error *err)
{
	uint64_t deadline = ethit_now_ms() + ETHIT_RECEIPT_WAIT_MS;
	enum cb_err rc;

	for (;;) {
		rc = rpc_eth_get_transaction_receipt(ctx.rpc, hash, out, err);
		if (rc != CB_ERR_NOT_FOUND || ethit_now_ms() >= deadline)
			return rc;
		ethit_sleep_ms(ETHIT_POLL_MS);
	}
}

/*
 * Signs and sends a transaction from the signer to `to` (NULL: contract
 * creation) with data, gas from eth_estimateGas plus a quarter, at the
 * pending nonce; a nonce another sender took meanwhile is retried.  Waits
 * for the receipt, which the caller clears.  *nonce_out (if not NULL) is
 * the nonce used.
 */
static void
ethit_transact(const struct address *to, const uint8_t *data, size_t data_len,
    struct rpc_receipt *receipt, uint64_t *nonce_out)
{
	struct rpc_call_msg msg;
	struct rpc_error err;
	struct tx t;
	struct hash32 hash, node_hash;
	uint8_t *raw = NULL;
	size_t raw_len = 0;
	uint64_t gas = 0, nonce = 0;
	u256 max_fee, priority;
	unsigned attempt;
	enum cb_err rc;

	memset(&msg, 0, sizeof(msg));
	msg.from = &ctx.signer;
	msg.to = to;
	msg.data = data;
	msg.data_len = data_len;
	rc = rpc_eth_estimate_gas(ctx.rpc, &msg, &gas, &err);
	ETHIT_OK(rc, err, "eth_estimateGas");
	ck_assert(gas >= 21000);
	gas += gas / 4;

	for (attempt = 0;; attempt++) {
		ethit_fees(&max_fee, &priority);
		nonce = ethit_nonce(RPC_BLOCK_PENDING);
		ethit_tx_init(&t, nonce, to, data, data_len, gas, &max_fee,
		    &priority);
		rc = tx_sign(&t, ctx.key, &raw, &raw_len, hash.bytes);
		ck_assert_msg(rc == CB_OK, "tx_sign: %s", cb_errcode(rc));
		rc = rpc_eth_send_raw_transaction(ctx.rpc, raw, raw_len,
		    &node_hash, &err);
		free(raw);
		raw = NULL;
		if (rc == CB_OK)
			break;
		ck_assert_msg(rc == CB_ERR_RPC && attempt + 1 < ETHIT_SEND_ATTEMPTS &&
		    (err.errclass == RPC_ERRCLASS_NONCE_TOO_LOW ||
		    err.errclass == RPC_ERRCLASS_ALREADY_KNOWN ||
		    err.errclass == RPC_ERRCLASS_UNDERPRICED),
		    "eth_sendRawTransaction (nonce %" PRIu64 ", attempt %u): "
		    "%s (%s) %s", nonce, attempt + 1, cb_errcode(rc),
		    rpc_errclass_name(err.errclass), err.message);
		ethit_sleep_ms(ETHIT_SEND_RETRY_MS);
	}
	ck_assert_msg(hash32_eq(&hash, &node_hash),
	    "the node's transaction hash differs from ours");
	rc = ethit_wait_receipt(&hash, receipt, &err);
	ETHIT_OK(rc, err, "eth_getTransactionReceipt (bounded wait)");
	ck_assert(hash32_eq(&receipt->tx_hash, &hash));
	if (nonce_out != NULL)
		*nonce_out = nonce;
}

/* eth_call of data on `to` at the latest block; *out is the caller's. */
static void
ethit_call(const struct address *to, const uint8_t *data, size_t data_len,
    uint8_t **out, size_t *out_len)
{
	struct rpc_call_msg msg;
	struct rpc_error err;
	enum cb_err rc;

	memset(&msg, 0, sizeof(msg));
	msg.to = to;
	msg.data = data;
	msg.data_len = data_len;
	*out = NULL;
	*out_len = 0;
	rc = rpc_eth_call(ctx.rpc, &msg, ethit_ref(RPC_BLOCK_LATEST), out,
	    out_len, &err);
	ETHIT_OK(rc, err, "eth_call");
}

/* Finishes an encoding, asserting success. */
static void
ethit_finish(struct abi_enc *e, uint8_t **out, size_t *len)
{
	enum cb_err rc = abi_enc_finish(e, out, len);

	ck_assert_msg(rc == CB_OK, "abi_enc_finish: %s", cb_errcode(rc));
}

/* Calls a view function without arguments that returns one word. */
static void
ethit_view_word(const struct address *token, const char *signature,
    uint8_t **out, size_t *out_len)
{
	uint8_t sel[ABI_SELECTOR_LEN];

	abi_selector(signature, sel);
	ethit_call(token, sel, sizeof(sel), out, out_len);
}

static void
ethit_role(const char *name, uint8_t out[32])
{
	keccak256(name, strlen(name), out);
}

static bool
ethit_has_role(const struct address *token, const uint8_t role[32],
    const struct address *account)
{
	uint8_t sel[ABI_SELECTOR_LEN], *data = NULL, *ret = NULL;
	size_t len = 0, ret_len = 0;
	struct abi_enc e;
	bool has = false;

	abi_selector("hasRole(bytes32,address)", sel);
	abi_enc_init(&e, sel, ETHIT_CALLDATA_MAX);
	abi_enc_bytes32(&e, role);
	abi_enc_address(&e, account);
	ethit_finish(&e, &data, &len);
	ethit_call(token, data, len, &ret, &ret_len);
	free(data);
	ck_assert_msg(ret_len == ABI_WORD_LEN &&
	    abi_dec_bool(ret, ret_len, 0, &has) == CB_OK,
	    "hasRole: bad return data (%zu bytes)", ret_len);
	free(ret);
	return has;
}

static void
ethit_balance_of(const struct address *token, const struct address *account,
    u256 *out)
{
	uint8_t sel[ABI_SELECTOR_LEN], *data = NULL, *ret = NULL;
	size_t len = 0, ret_len = 0;
	struct abi_enc e;

	abi_selector("balanceOf(address)", sel);
	abi_enc_init(&e, sel, ETHIT_CALLDATA_MAX);
	abi_enc_address(&e, account);
	ethit_finish(&e, &data, &len);
	ethit_call(token, data, len, &ret, &ret_len);
	free(data);
	ck_assert_msg(ret_len == ABI_WORD_LEN &&
	    abi_dec_uint256(ret, ret_len, 0, out) == CB_OK,
	    "balanceOf: bad return data (%zu bytes)", ret_len);
	free(ret);
}

static void
ethit_total_supply(const struct address *token, u256 *out)
{
	uint8_t *ret = NULL;
	size_t ret_len = 0;

	ethit_view_word(token, "totalSupply()", &ret, &ret_len);
	ck_assert_msg(ret_len == ABI_WORD_LEN &&
	    abi_dec_uint256(ret, ret_len, 0, out) == CB_OK,
	    "totalSupply: bad return data (%zu bytes)", ret_len);
	free(ret);
}

/* The CREATE address: last 20 bytes of Keccak-256(rlp([sender, nonce])). */
static void
ethit_create_address(const struct address *sender, uint64_t nonce,
    struct address *out)
{
	struct rlp_buf b;
	uint8_t *enc = NULL, h[KECCAK256_LEN];
	size_t len = 0, mark;

	rlp_buf_init(&b, 64);
	mark = rlp_list_begin(&b);
	rlp_put_bytes(&b, sender->bytes, ADDRESS_LEN);
	rlp_put_u64(&b, nonce);
	ck_assert(rlp_list_end(&b, mark) == CB_OK);
	ck_assert(rlp_buf_take(&b, &enc, &len) == CB_OK);
	keccak256(enc, len, h);
	free(enc);
	memcpy(out->bytes, h + 12, ADDRESS_LEN);
}

/*
 * Deploys ChainBridgeToken(name, symbol, 18, signer) and returns its
 * address; the receipt and the nonce used go to the caller when asked.
 */
static void
ethit_deploy(struct address *token, struct rpc_receipt *receipt_out,
    uint64_t *nonce_out)
{
	struct rpc_receipt r;
	struct abi_enc e;
	uint8_t *args = NULL, *data;
	size_t args_len = 0;
	uint64_t nonce = 0;
	u256 decimals;

	u256_from_u64(&decimals, ethit_token_decimals);
	abi_enc_init(&e, NULL, ETHIT_CALLDATA_MAX);
	abi_enc_string(&e, ethit_token_name, strlen(ethit_token_name));
	abi_enc_string(&e, ethit_token_symbol, strlen(ethit_token_symbol));
	abi_enc_uint256(&e, &decimals);
	abi_enc_address(&e, &ctx.signer);
	ethit_finish(&e, &args, &args_len);
	data = malloc(ctx.bytecode_len + args_len);
	ck_assert(data != NULL);
	memcpy(data, ctx.bytecode, ctx.bytecode_len);
	memcpy(data + ctx.bytecode_len, args, args_len);
	free(args);

	memset(&r, 0, sizeof(r));
	ethit_transact(NULL, data, ctx.bytecode_len + args_len, &r, &nonce);
	free(data);
	ck_assert_msg(r.has_status && r.status == 1,
	    "deployment reverted (status %" PRIu64 ")", r.status);
	ck_assert_msg(r.has_contract_address, "receipt has no contractAddress");
	*token = r.contract_address;
	if (nonce_out != NULL)
		*nonce_out = nonce;
	if (receipt_out != NULL)
		*receipt_out = r;
	else
		rpc_receipt_clear(&r);
}

static void
ethit_grant(const struct address *token, const char *role_name,
    const struct address *account)
{
	uint8_t sel[ABI_SELECTOR_LEN], role[32], *data = NULL;
	size_t len = 0;
	struct rpc_receipt r;
	struct abi_enc e;

	ethit_role(role_name, role);
	abi_selector("grantRole(bytes32,address)", sel);
	abi_enc_init(&e, sel, ETHIT_CALLDATA_MAX);
	abi_enc_bytes32(&e, role);
	abi_enc_address(&e, account);
	ethit_finish(&e, &data, &len);
	memset(&r, 0, sizeof(r));
	ethit_transact(token, data, len, &r, NULL);
	free(data);
	ck_assert_msg(r.has_status && r.status == 1, "grantRole(%s) reverted",
	    role_name);
	rpc_receipt_clear(&r);
}

/* Plain batchMint(address[],uint256[]); the receipt is the caller's. */
static void
ethit_batch_mint(const struct address *token, const struct address *to,
    const u256 *amounts, size_t n, struct rpc_receipt *r)
{
	uint8_t sel[ABI_SELECTOR_LEN], *data = NULL;
	size_t len = 0;
	struct abi_enc e;

	abi_selector("batchMint(address[],uint256[])", sel);
	abi_enc_init(&e, sel, ETHIT_CALLDATA_MAX);
	abi_enc_address_array(&e, to, n);
	abi_enc_uint256_array(&e, amounts, n);
	ethit_finish(&e, &data, &len);
	memset(r, 0, sizeof(*r));
	ethit_transact(token, data, len, r, NULL);
	free(data);
	ck_assert_msg(r->has_status && r->status == 1,
	    "batchMint of %zu reverted", n);
}

/* Amount i of a set: (i + 1) whole tokens plus i base units, all distinct. */
static void
ethit_amount(size_t i, u256 *out)
{
	u256 unit, extra;

	ck_assert(u256_pow10(&unit, 18) == 0);
	ck_assert(u256_mul_u64(out, &unit, (uint64_t)i + 1) == 0);
	u256_from_u64(&extra, (uint64_t)i);
	ck_assert(u256_add(out, out, &extra) == 0);
}

/* A signed transfer of wei from the signer to `to`, at nonce, with fees. */
static void
ethit_sign_transfer(uint64_t nonce, const struct address *to, uint64_t wei,
    const u256 *max_fee, const u256 *priority, uint8_t **raw, size_t *raw_len,
    struct hash32 *hash)
{
	struct tx t;
	enum cb_err rc;

	ethit_tx_init(&t, nonce, to, NULL, 0, 21000, max_fee, priority);
	u256_from_u64(&t.value, wei);
	rc = tx_sign(&t, ctx.key, raw, raw_len, hash->bytes);
	ck_assert_msg(rc == CB_OK, "tx_sign: %s", cb_errcode(rc));
}

/* Sends raw; returns the status with err filled and the node's hash. */
static enum cb_err
ethit_send_raw(const uint8_t *raw, size_t raw_len, struct hash32 *node_hash,
    struct rpc_error *err)
{
	memset(node_hash, 0, sizeof(*node_hash));
	return rpc_eth_send_raw_transaction(ctx.rpc, raw, raw_len, node_hash,
	    err);
}

/*
 * eth_call and eth_estimateGas of data on `to` from `from`, both of which
 * must revert with the same data; it is decoded into *r, which borrows
 * from buf (RPC_REVERT_DATA_MAX bytes).
 */
static void
ethit_expect_revert(const struct address *from, const struct address *to,
    const uint8_t *data, size_t len, uint8_t *buf, struct revert_reason *r)
{
	struct rpc_call_msg msg;
	struct rpc_error err;
	uint8_t again[RPC_REVERT_DATA_MAX], *ret = NULL;
	char text[REVERT_DESCRIBE_MAX];
	size_t n = 0, n_again = 0, ret_len = 0;
	uint64_t gas = 0;
	enum cb_err rc;

	memset(&msg, 0, sizeof(msg));
	msg.from = from;
	msg.to = to;
	msg.data = data;
	msg.data_len = len;
	rc = rpc_eth_call(ctx.rpc, &msg, ethit_ref(RPC_BLOCK_LATEST), &ret,
	    &ret_len, &err);
	free(ret);
	ck_assert_msg(rc == CB_ERR_RPC && err.errclass == RPC_ERRCLASS_REVERTED,
	    "eth_call did not revert: %s (%s) %s", cb_errcode(rc),
	    rpc_errclass_name(err.errclass), err.message);
	rc = rpc_error_revert_data(&err, buf, RPC_REVERT_DATA_MAX, &n);
	ck_assert_msg(rc == CB_OK, "eth_call revert data: %s (data '%s')",
	    cb_errcode(rc), err.data);
	rc = rpc_eth_estimate_gas(ctx.rpc, &msg, &gas, &err);
	ck_assert_msg(rc == CB_ERR_RPC && err.errclass == RPC_ERRCLASS_REVERTED,
	    "eth_estimateGas did not revert: %s %s", cb_errcode(rc),
	    err.message);
	ck_assert(rpc_error_revert_data(&err, again, sizeof(again), &n_again) ==
	    CB_OK);
	ck_assert_msg(n_again == n && memcmp(again, buf, n) == 0,
	    "eth_call and eth_estimateGas revert with different data");
	rc = revert_decode(buf, n, r);
	ck_assert_msg(rc == CB_OK, "revert data does not decode: %s",
	    cb_errcode(rc));
	revert_describe(r, text, sizeof(text));
	fprintf(stderr, "revert: %s (node: %s)\n", text, err.message);
}

/* batchMint calldata: keyed with batch_id when not NULL. */
static void
ethit_batch_mint_data(const uint8_t *batch_id, const struct address *to,
    size_t n_to, const u256 *amounts, size_t n_amounts, uint8_t **data,
    size_t *len)
{
	uint8_t sel[ABI_SELECTOR_LEN];
	struct abi_enc e;

	abi_selector(batch_id != NULL ? "batchMint(bytes32,address[],uint256[])" :
	    "batchMint(address[],uint256[])", sel);
	abi_enc_init(&e, sel, ETHIT_CALLDATA_MAX);
	if (batch_id != NULL)
		abi_enc_bytes32(&e, batch_id);
	abi_enc_address_array(&e, to, n_to);
	abi_enc_uint256_array(&e, amounts, n_amounts);
	ethit_finish(&e, data, len);
}

/* ---------------------------------------------------------------- cases */

/* 1. Deployment from a signed type-2 transaction. */
START_TEST(test_deploy)
{
	struct rpc_receipt r;
	struct rpc_tx t;
	struct rpc_error err;
	struct address token, expect;
	char addr[ADDRESS_STR_SIZE];
	json_object *params, *code = NULL;
	uint8_t *ret = NULL, admin_role[32];
	const char *s;
	size_t ret_len = 0, slen = 0;
	uint64_t nonce = 0;
	u256 dec, want;
	enum cb_err rc;

	ethit_deploy(&token, &r, &nonce);
	ck_assert_msg(!r.has_to, "a creation receipt must have no `to`");
	ck_assert(address_eq(&r.from, &ctx.signer));
	ethit_create_address(&ctx.signer, nonce, &expect);
	ck_assert_msg(address_eq(&token, &expect),
	    "contractAddress is not keccak(rlp([sender, nonce]))");
	ck_assert(r.gas_used > 21000);

	memset(&t, 0, sizeof(t));
	rc = rpc_eth_get_transaction_by_hash(ctx.rpc, &r.tx_hash, &t, &err);
	ETHIT_OK(rc, err, "eth_getTransactionByHash");
	ck_assert_uint_eq(t.type, 2);
	ck_assert(t.has_max_fee && !t.has_to && t.mined);
	ck_assert(t.has_chain_id && t.chain_id == ctx.chain_id);
	ck_assert_uint_eq(t.nonce, nonce);
	ck_assert(address_eq(&t.from, &ctx.signer));
	ck_assert_uint_eq(t.input_len, ctx.bytecode_len + 4 * ABI_WORD_LEN +
	    2 * 2 * ABI_WORD_LEN);
	ck_assert(memcmp(t.input, ctx.bytecode, ctx.bytecode_len) == 0);
	rpc_tx_clear(&t);
	rpc_receipt_clear(&r);

	address_to_lower(&token, addr);
	params = json_object_new_array();
	ck_assert(params != NULL);
	json_object_array_add(params, json_object_new_string(addr));
	json_object_array_add(params, json_object_new_string("latest"));
	rc = rpc_call(ctx.rpc, "eth_getCode", params, &code, &err);
	json_object_put(params);
	ETHIT_OK(rc, err, "eth_getCode");
	ck_assert(code != NULL && json_object_is_type(code, json_type_string));
	ck_assert_msg(json_object_get_string_len(code) > 2,
	    "no code at the contract address");
	json_object_put(code);

	ethit_view_word(&token, "name()", &ret, &ret_len);
	ck_assert(abi_dec_string(ret, ret_len, 0, &s, &slen) == CB_OK);
	ck_assert(slen == strlen(ethit_token_name) &&
	    memcmp(s, ethit_token_name, slen) == 0);
	free(ret);
	ethit_view_word(&token, "symbol()", &ret, &ret_len);
	ck_assert(abi_dec_string(ret, ret_len, 0, &s, &slen) == CB_OK);
	ck_assert(slen == strlen(ethit_token_symbol) &&
	    memcmp(s, ethit_token_symbol, slen) == 0);
	free(ret);
	ethit_view_word(&token, "decimals()", &ret, &ret_len);
	ck_assert(abi_dec_uint256(ret, ret_len, 0, &dec) == CB_OK);
	u256_from_u64(&want, ethit_token_decimals);
	ck_assert(u256_cmp(&dec, &want) == 0);
	free(ret);

	memset(admin_role, 0, sizeof(admin_role));
	ck_assert_msg(ethit_has_role(&token, admin_role, &ctx.signer),
	    "the constructor's admin lacks DEFAULT_ADMIN_ROLE");
}
END_TEST

/* 2. grantRole by signed transactions, read back with hasRole. */
START_TEST(test_roles)
{
	struct address token, other;
	uint8_t minter[32], burner[32];

	ethit_role("MINTER_ROLE", minter);
	ethit_role("BURNER_ROLE", burner);
	ethit_deploy(&token, NULL, NULL);
	ck_assert(!ethit_has_role(&token, minter, &ctx.signer));
	ck_assert(!ethit_has_role(&token, burner, &ctx.signer));
	ethit_grant(&token, "MINTER_ROLE", &ctx.signer);
	ethit_grant(&token, "BURNER_ROLE", &ctx.signer);
	ck_assert_msg(ethit_has_role(&token, minter, &ctx.signer),
	    "MINTER_ROLE not granted");
	ck_assert_msg(ethit_has_role(&token, burner, &ctx.signer),
	    "BURNER_ROLE not granted");
	ethit_holder(0x524f4c45, 0, &other);
	ck_assert(!ethit_has_role(&token, minter, &other));
}
END_TEST

/* 3. batchMint to 100 holders: Transfer logs, balances, total supply. */
START_TEST(test_batch_mint)
{
	struct address token, holders[ETHIT_MINT_COUNT], got;
	u256 amounts[ETHIT_MINT_COUNT], sum, v;
	uint8_t transfer_topic[KECCAK256_LEN], zero[32];
	const char *sig = "Transfer(address,address,uint256)";
	struct rpc_receipt r;
	size_t i;

	keccak256(sig, strlen(sig), transfer_topic);
	memset(zero, 0, sizeof(zero));
	u256_zero(&sum);
	for (i = 0; i < ETHIT_MINT_COUNT; i++) {
		ethit_holder(0x4d494e54, (uint32_t)i, &holders[i]);
		ethit_amount(i, &amounts[i]);
		ck_assert(u256_add(&sum, &sum, &amounts[i]) == 0);
	}
	ethit_deploy(&token, NULL, NULL);
	ethit_grant(&token, "MINTER_ROLE", &ctx.signer);
	ethit_batch_mint(&token, holders, amounts, ETHIT_MINT_COUNT, &r);

	ck_assert_msg(r.log_count == ETHIT_MINT_COUNT,
	    "expected %d Transfer logs, got %zu", ETHIT_MINT_COUNT, r.log_count);
	for (i = 0; i < r.log_count; i++) {
		const struct rpc_log *l = &r.logs[i];

		ck_assert_msg(address_eq(&l->address, &token),
		    "log %zu: not from the token", i);
		ck_assert_msg(l->topic_count == 3, "log %zu: %zu topics", i,
		    l->topic_count);
		ck_assert_msg(memcmp(l->topics[0].bytes, transfer_topic, 32) == 0,
		    "log %zu: not a Transfer", i);
		ck_assert_msg(hash32_is_zero(&l->topics[1]),
		    "log %zu: from is not the zero address", i);
		ck_assert(abi_word_address(l->topics[2].bytes, &got) == CB_OK);
		ck_assert_msg(address_eq(&got, &holders[i]),
		    "log %zu: to is not holder %zu", i, i);
		ck_assert_msg(l->data_len == ABI_WORD_LEN, "log %zu: %zu data "
		    "bytes", i, l->data_len);
		abi_word_uint256(l->data, &v);
		ck_assert_msg(u256_cmp(&v, &amounts[i]) == 0,
		    "log %zu: value differs from the amount sent", i);
		ck_assert(i == 0 || l->log_index > r.logs[i - 1].log_index);
		ck_assert(!l->removed);
	}
	rpc_receipt_clear(&r);

	for (i = 0; i < ETHIT_MINT_COUNT; i++) {
		ethit_balance_of(&token, &holders[i], &v);
		ck_assert_msg(u256_cmp(&v, &amounts[i]) == 0,
		    "balanceOf holder %zu differs from the amount minted", i);
	}
	ethit_total_supply(&token, &v);
	ck_assert_msg(u256_cmp(&v, &sum) == 0, "totalSupply != sum of mints");
}
END_TEST

/* 4. The same signed transaction sent twice. */
START_TEST(test_resend_same)
{
	struct rpc_receipt r;
	struct rpc_error err;
	struct address to;
	uint8_t *raw = NULL;
	struct hash32 hash, node_hash;
	size_t raw_len = 0;
	uint64_t nonce;
	u256 max_fee, priority;
	enum cb_err rc;

	ethit_holder(0x52455345, 0, &to);
	ethit_automine(false);
	ethit_fees(&max_fee, &priority);
	nonce = ethit_nonce(RPC_BLOCK_PENDING);
	ethit_sign_transfer(nonce, &to, 1, &max_fee, &priority, &raw, &raw_len,
	    &hash);

	rc = ethit_send_raw(raw, raw_len, &node_hash, &err);
	ETHIT_OK(rc, err, "first send");
	ck_assert(hash32_eq(&node_hash, &hash));

	rc = ethit_send_raw(raw, raw_len, &node_hash, &err);
	fprintf(stderr, "resend while pending: %s %s %s\n", cb_errcode(rc),
	    rpc_errclass_name(err.errclass), err.message);
	ck_assert_msg(rc == CB_OK ||
	    (rc == CB_ERR_RPC && err.errclass == RPC_ERRCLASS_ALREADY_KNOWN),
	    "resend while pending: %s (%s) %s", cb_errcode(rc),
	    rpc_errclass_name(err.errclass), err.message);
	if (rc == CB_OK)
		ck_assert(hash32_eq(&node_hash, &hash));

	ethit_mine();
	memset(&r, 0, sizeof(r));
	rc = ethit_wait_receipt(&hash, &r, &err);
	ETHIT_OK(rc, err, "receipt after evm_mine");
	ck_assert(r.has_status && r.status == 1);
	rpc_receipt_clear(&r);

	/* Once mined, what a submitter sees on a resend. */
	rc = ethit_send_raw(raw, raw_len, &node_hash, &err);
	fprintf(stderr, "resend once mined: %s %s %s\n", cb_errcode(rc),
	    rpc_errclass_name(err.errclass), err.message);
	ck_assert_msg((rc == CB_OK && hash32_eq(&node_hash, &hash)) ||
	    (rc == CB_ERR_RPC && (err.errclass == RPC_ERRCLASS_ALREADY_KNOWN ||
	    err.errclass == RPC_ERRCLASS_NONCE_TOO_LOW)),
	    "resend once mined: %s (%s) %s", cb_errcode(rc),
	    rpc_errclass_name(err.errclass), err.message);
	free(raw);
	ethit_automine(true);
}
END_TEST

/* 5. A nonce that was already used. */
START_TEST(test_nonce_too_low)
{
	struct rpc_receipt r;
	struct rpc_error err;
	struct address to;
	uint8_t *raw = NULL;
	struct hash32 hash, node_hash;
	size_t raw_len = 0;
	uint64_t mined;
	u256 max_fee, priority;
	enum cb_err rc;

	/* Make sure the signer has a mined transaction. */
	ethit_holder(0x4e4f4e43, 0, &to);
	memset(&r, 0, sizeof(r));
	ethit_transact(&to, NULL, 0, &r, NULL);
	ck_assert(r.has_status && r.status == 1);
	rpc_receipt_clear(&r);

	mined = ethit_nonce(RPC_BLOCK_LATEST);
	ck_assert(mined >= 1);
	ethit_fees(&max_fee, &priority);
	ethit_sign_transfer(mined - 1, &to, 7, &max_fee, &priority, &raw,
	    &raw_len, &hash);
	rc = ethit_send_raw(raw, raw_len, &node_hash, &err);
	free(raw);
	fprintf(stderr, "used nonce %" PRIu64 ": %s %s (code %" PRId64 ") %s\n",
	    mined - 1, cb_errcode(rc), rpc_errclass_name(err.errclass),
	    err.code, err.message);
	ck_assert_msg(rc == CB_ERR_RPC &&
	    err.errclass == RPC_ERRCLASS_NONCE_TOO_LOW,
	    "used nonce: %s (%s) %s", cb_errcode(rc),
	    rpc_errclass_name(err.errclass), err.message);
}
END_TEST

/* Caps bumped by percent, rounded up. */
static void
ethit_bump(const u256 *in, unsigned percent, u256 *out)
{
	uint64_t rem = 0;

	ck_assert(u256_mul_u64(out, in, 100U + percent) == 0);
	ck_assert(u256_divmod_u64(out, out, 100, &rem) == 0);
	if (rem != 0) {
		u256 one;

		u256_from_u64(&one, 1);
		ck_assert(u256_add(out, out, &one) == 0);
	}
}

/*
 * 6. Replacement by nonce.  B0 keeps A's caps (refused by every node); B
 * bumps both caps 5 % (geth-style pools demand 10 % and refuse it; anvil
 * replaces on any higher fee cap and takes it); C bumps both caps 10 %
 * over A and must be taken.  After mining only C is on chain.
 */
START_TEST(test_replacement)
{
	struct rpc_receipt r;
	struct rpc_tx t;
	struct rpc_error err;
	struct address to;
	uint8_t *raw = NULL;
	struct hash32 node_hash, hash_a, hash_b0, hash_b, hash_c, pair[2];
	struct rpc_tx txs[2];
	struct rpc_receipt rcpts[2];
	enum cb_err st_tx[2], st_r[2];
	size_t raw_len = 0;
	uint64_t nonce;
	u256 fee_a, prio_a, fee_b, prio_b, fee_c, prio_c;
	bool b_taken = false;
	enum cb_err rc;

	ethit_holder(0x5245504c, 0, &to);
	ethit_automine(false);
	ethit_fees(&fee_a, &prio_a);
	nonce = ethit_nonce(RPC_BLOCK_PENDING);

	ethit_sign_transfer(nonce, &to, 1, &fee_a, &prio_a, &raw, &raw_len,
	    &hash_a);
	rc = ethit_send_raw(raw, raw_len, &node_hash, &err);
	free(raw);
	ETHIT_OK(rc, err, "send A");
	/* What a confirmer sees of A while it waits in the pool: known and
	 * pending, no receipt. */
	pair[0] = hash_a;
	rc = rpc_eth_get_transactions_by_hash(ctx.rpc, pair, 1, txs, st_tx, &err);
	ETHIT_OK(rc, err, "batch eth_getTransactionByHash (A pending)");
	ck_assert_msg(st_tx[0] == CB_OK && !txs[0].mined && txs[0].nonce == nonce,
	    "A pending: %s", cb_errcode(st_tx[0]));
	rpc_tx_clear(&txs[0]);
	rc = rpc_eth_get_transaction_receipts(ctx.rpc, pair, 1, rcpts, st_r, &err);
	ETHIT_OK(rc, err, "batch eth_getTransactionReceipt (A pending)");
	ck_assert_int_eq(st_r[0], CB_ERR_NOT_FOUND);

	ethit_sign_transfer(nonce, &to, 2, &fee_a, &prio_a, &raw, &raw_len,
	    &hash_b0);
	rc = ethit_send_raw(raw, raw_len, &node_hash, &err);
	free(raw);
	fprintf(stderr, "replacement with equal caps: %s %s %s\n",
	    cb_errcode(rc), rpc_errclass_name(err.errclass), err.message);
	ck_assert_msg(rc == CB_ERR_RPC && err.errclass == RPC_ERRCLASS_UNDERPRICED,
	    "replacement with equal caps: %s (%s) %s", cb_errcode(rc),
	    rpc_errclass_name(err.errclass), err.message);

	ethit_bump(&fee_a, 5, &fee_b);
	ethit_bump(&prio_a, 5, &prio_b);
	ethit_sign_transfer(nonce, &to, 3, &fee_b, &prio_b, &raw, &raw_len,
	    &hash_b);
	rc = ethit_send_raw(raw, raw_len, &node_hash, &err);
	free(raw);
	fprintf(stderr, "replacement with caps +5%%: %s %s %s (%s)\n",
	    cb_errcode(rc), rpc_errclass_name(err.errclass), err.message,
	    ctx.client_version);
	if (rc == CB_OK && ctx.is_anvil)
		b_taken = true;
	else
		ck_assert_msg(rc == CB_ERR_RPC &&
		    err.errclass == RPC_ERRCLASS_UNDERPRICED,
		    "replacement with caps +5%%: %s (%s) %s", cb_errcode(rc),
		    rpc_errclass_name(err.errclass), err.message);

	ethit_bump(&fee_a, 10, &fee_c);
	ethit_bump(&prio_a, 10, &prio_c);
	ethit_sign_transfer(nonce, &to, 4, &fee_c, &prio_c, &raw, &raw_len,
	    &hash_c);
	rc = ethit_send_raw(raw, raw_len, &node_hash, &err);
	free(raw);
	ETHIT_OK(rc, err, "replacement with caps +10%");
	ck_assert(hash32_eq(&node_hash, &hash_c));

	ethit_mine();
	memset(&r, 0, sizeof(r));
	rc = ethit_wait_receipt(&hash_c, &r, &err);
	ETHIT_OK(rc, err, "receipt of C");
	ck_assert(r.has_status && r.status == 1);
	rpc_receipt_clear(&r);

	rc = rpc_eth_get_transaction_receipt(ctx.rpc, &hash_a, &r, &err);
	ck_assert_msg(rc == CB_ERR_NOT_FOUND, "A still has a receipt: %s",
	    cb_errcode(rc));
	memset(&t, 0, sizeof(t));
	rc = rpc_eth_get_transaction_by_hash(ctx.rpc, &hash_a, &t, &err);
	ck_assert_msg(rc == CB_ERR_NOT_FOUND, "A is still known: %s",
	    cb_errcode(rc));
	if (b_taken) {
		rc = rpc_eth_get_transaction_receipt(ctx.rpc, &hash_b, &r, &err);
		ck_assert_msg(rc == CB_ERR_NOT_FOUND,
		    "B still has a receipt: %s", cb_errcode(rc));
	}
	rc = rpc_eth_get_transaction_receipt(ctx.rpc, &hash_b0, &r, &err);
	ck_assert(rc == CB_ERR_NOT_FOUND);
	/* The same in one batch each: the node forgot A, C is mined. */
	pair[0] = hash_a;
	pair[1] = hash_c;
	rc = rpc_eth_get_transactions_by_hash(ctx.rpc, pair, 2, txs, st_tx, &err);
	ETHIT_OK(rc, err, "batch eth_getTransactionByHash (A replaced)");
	ck_assert_int_eq(st_tx[0], CB_ERR_NOT_FOUND);
	ck_assert_msg(st_tx[1] == CB_OK && txs[1].mined, "C: %s",
	    cb_errcode(st_tx[1]));
	rc = rpc_eth_get_transaction_receipts(ctx.rpc, pair, 2, rcpts, st_r, &err);
	ETHIT_OK(rc, err, "batch eth_getTransactionReceipt (A replaced)");
	ck_assert_int_eq(st_r[0], CB_ERR_NOT_FOUND);
	ck_assert_int_eq(st_r[1], CB_OK);
	ck_assert(hash32_eq(&rcpts[1].block_hash, &txs[1].block_hash));
	ck_assert(rcpts[1].has_status && rcpts[1].status == 1);
	rpc_tx_clear(&txs[1]);
	rpc_receipt_clear(&rcpts[1]);
	ck_assert(ethit_nonce(RPC_BLOCK_LATEST) > nonce);
	ethit_automine(true);
}
END_TEST

/* 7. Key file modes: only owner-only files load. */
static const struct {
	mode_t		mode;
	enum cb_err	want;
} ethit_key_modes[] = {
	{ 0600, CB_OK },
	{ 0400, CB_OK },
	{ 0644, CB_ERR_PERM },
	{ 0640, CB_ERR_PERM },
	{ 0604, CB_ERR_PERM },
	{ 0660, CB_ERR_PERM },
};

START_TEST(test_key_mode)
{
	char name[32], path[PATH_MAX], keytext[80], errbuf[256], want_mode[16];
	struct secp_key *key = NULL;
	struct address a;
	mode_t mode = ethit_key_modes[_i].mode;
	enum cb_err rc;

	snprintf(name, sizeof(name), "mode%04o.key", (unsigned)mode);
	snprintf(keytext, sizeof(keytext), "%s\n", ethit_dev_key);
	ethit_write_keyfile(ethit_tmpdir, name, keytext, mode, path, sizeof(path));
	errbuf[0] = '\0';
	rc = secp_key_load(path, &key, errbuf, sizeof(errbuf));
	unlink(path);
	ck_assert_msg(rc == ethit_key_modes[_i].want, "mode %04o: %s (%s)",
	    (unsigned)mode, cb_errcode(rc), errbuf);
	if (rc == CB_OK) {
		secp_key_address(key, &a);
		ck_assert(address_eq(&a, &ctx.signer));
		secp_key_free(key);
		return;
	}
	ck_assert(key == NULL);
	fprintf(stderr, "mode %04o: %s\n", (unsigned)mode, errbuf);
	ck_assert_msg(strstr(errbuf, path) != NULL, "message does not name "
	    "the file: %s", errbuf);
	snprintf(want_mode, sizeof(want_mode), "%04o", (unsigned)mode);
	ck_assert_msg(strstr(errbuf, want_mode) != NULL, "message does not "
	    "give the mode: %s", errbuf);
	ck_assert_msg(strstr(errbuf, "ac0974bec39a17e3") == NULL,
	    "message leaks the key");
}
END_TEST

/* 8. Gas of batchMint per recipient, new and existing holders. */
static const size_t ethit_gas_sizes[] = { 1, 10, ETHIT_GAS_MAX_N };

START_TEST(test_gas_per_recipient)
{
	struct address token, prime, holders[ETHIT_GAS_MAX_N];
	u256 amounts[ETHIT_GAS_MAX_N];
	uint64_t per_new[3], per_old[3];
	struct rpc_receipt r;
	size_t k, i, n;

	ethit_deploy(&token, NULL, NULL);
	ethit_grant(&token, "MINTER_ROLE", &ctx.signer);
	/* The first mint makes totalSupply non-zero; keep that cost out. */
	ethit_holder(0x5052494d, 0, &prime);
	ethit_amount(0, &amounts[0]);
	ethit_batch_mint(&token, &prime, amounts, 1, &r);
	rpc_receipt_clear(&r);

	for (k = 0; k < sizeof(ethit_gas_sizes) / sizeof(ethit_gas_sizes[0]); k++) {
		n = ethit_gas_sizes[k];
		for (i = 0; i < n; i++) {
			ethit_holder(0x47000000U | (uint32_t)n, (uint32_t)i,
			    &holders[i]);
			ethit_amount(i, &amounts[i]);
		}
		ethit_batch_mint(&token, holders, amounts, n, &r);
		ck_assert_uint_eq(r.log_count, n);
		per_new[k] = r.gas_used / n;
		printf("gas batchMint n=%zu new: total=%" PRIu64
		    " per_recipient=%" PRIu64 "\n", n, r.gas_used, per_new[k]);
		rpc_receipt_clear(&r);

		ethit_batch_mint(&token, holders, amounts, n, &r);
		ck_assert_uint_eq(r.log_count, n);
		per_old[k] = r.gas_used / n;
		printf("gas batchMint n=%zu existing: total=%" PRIu64
		    " per_recipient=%" PRIu64 "\n", n, r.gas_used, per_old[k]);
		rpc_receipt_clear(&r);

		ck_assert_msg(per_old[k] < per_new[k], "n=%zu: existing holders "
		    "cost %" PRIu64 " per recipient, new ones %" PRIu64, n,
		    per_old[k], per_new[k]);
	}
	fflush(stdout);
	/* The fixed cost of a transaction spreads over a larger batch. */
	ck_assert(per_new[2] < per_new[0] && per_old[2] < per_old[0]);
}
END_TEST

/* 9. The reverts the chain daemon must tell apart, from the real contract:
 * a missing role, an empty or uneven batch, a batch id used before. */
START_TEST(test_revert_reasons)
{
	struct address token, holder, account;
	struct revert_reason r;
	struct rpc_receipt rc_mint;
	uint8_t buf[RPC_REVERT_DATA_MAX], *data = NULL, minter[32], role[32];
	uint8_t batch_id[32];
	size_t len = 0;
	u256 amounts[2], v;
	uint64_t n;

	ethit_holder(0x52455645, 0, &holder);
	ethit_amount(0, &amounts[0]);
	ethit_amount(1, &amounts[1]);
	ethit_role("MINTER_ROLE", minter);
	ethit_deploy(&token, NULL, NULL);

	/* Not a minter yet: OpenZeppelin's custom error with its arguments. */
	ethit_batch_mint_data(NULL, &holder, 1, amounts, 1, &data, &len);
	ethit_expect_revert(&ctx.signer, &token, data, len, buf, &r);
	free(data);
	ck_assert_int_eq(r.kind, REVERT_CUSTOM);
	ck_assert(revert_is(&r,
	    "AccessControlUnauthorizedAccount(address,bytes32)"));
	ck_assert(abi_dec_address(r.args, r.args_len, 0, &account) == CB_OK);
	ck_assert(address_eq(&account, &ctx.signer));
	ck_assert(abi_dec_bytes32(r.args, r.args_len, 1, role) == CB_OK);
	ck_assert(memcmp(role, minter, 32) == 0);

	ethit_grant(&token, "MINTER_ROLE", &ctx.signer);
	/* No items: a selector without arguments. */
	ethit_batch_mint_data(NULL, NULL, 0, NULL, 0, &data, &len);
	ethit_expect_revert(&ctx.signer, &token, data, len, buf, &r);
	free(data);
	ck_assert(revert_is(&r, "EmptyBatch()"));
	ck_assert_uint_eq(r.args_len, 0);
	/* One account, two amounts. */
	ethit_batch_mint_data(NULL, &holder, 1, amounts, 2, &data, &len);
	ethit_expect_revert(&ctx.signer, &token, data, len, buf, &r);
	free(data);
	ck_assert(revert_is(&r, "LengthMismatch(uint256,uint256)"));
	ck_assert(abi_dec_uint256(r.args, r.args_len, 1, &v) == CB_OK);
	ck_assert(u256_to_u64(&v, &n) && n == 2);

	/* A keyed batch settles once; its id then reverts a resend. */
	keccak256("ethit-revert-batch", 18, batch_id);
	ethit_batch_mint_data(batch_id, &holder, 1, amounts, 1, &data, &len);
	memset(&rc_mint, 0, sizeof(rc_mint));
	ethit_transact(&token, data, len, &rc_mint, NULL);
	ck_assert(rc_mint.has_status && rc_mint.status == 1);
	rpc_receipt_clear(&rc_mint);
	ethit_expect_revert(&ctx.signer, &token, data, len, buf, &r);
	free(data);
	ck_assert(revert_is(&r, "BatchAlreadyProcessed(bytes32)"));
	ck_assert(abi_dec_bytes32(r.args, r.args_len, 0, role) == CB_OK);
	ck_assert(memcmp(role, batch_id, 32) == 0);
}
END_TEST

/* ---------------------------------------------------------------- suite */

static TCase *
ethit_tcase(const char *name, bool automine)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, ETHIT_CASE_TIMEOUT);
	tcase_add_checked_fixture(tc, ethit_setup, ethit_teardown);
	if (automine)
		tcase_add_unchecked_fixture(tc, NULL, ethit_restore_automine);
	return tc;
}

static Suite *
ethit_suite(void)
{
	Suite *s = suite_create("eth_anvil");
	TCase *tc;

	tc = ethit_tcase("deploy", false);
	tcase_add_test(tc, test_deploy);
	suite_add_tcase(s, tc);

	tc = ethit_tcase("roles", false);
	tcase_add_test(tc, test_roles);
	suite_add_tcase(s, tc);

	tc = ethit_tcase("batch_mint", false);
	tcase_add_test(tc, test_batch_mint);
	suite_add_tcase(s, tc);

	tc = ethit_tcase("resend_same", true);
	tcase_add_test(tc, test_resend_same);
	suite_add_tcase(s, tc);

	tc = ethit_tcase("nonce_too_low", false);
	tcase_add_test(tc, test_nonce_too_low);
	suite_add_tcase(s, tc);

	tc = ethit_tcase("replacement", true);
	tcase_add_test(tc, test_replacement);
	suite_add_tcase(s, tc);

	tc = ethit_tcase("key_mode", false);
	tcase_add_loop_test(tc, test_key_mode, 0,
	    (int)(sizeof(ethit_key_modes) / sizeof(ethit_key_modes[0])));
	suite_add_tcase(s, tc);

	tc = ethit_tcase("gas_per_recipient", false);
	tcase_add_test(tc, test_gas_per_recipient);
	suite_add_tcase(s, tc);

	tc = ethit_tcase("revert_reasons", false);
	tcase_add_test(tc, test_revert_reasons);
	suite_add_tcase(s, tc);
	return s;
}

/* Creates ethit_tmpdir (mode 0700) under $TMPDIR or /tmp; 0 or -1. */
static int
ethit_tmpdir_create(void)
{
	const char *tmp = getenv("TMPDIR");
	int n;

	n = snprintf(ethit_tmpdir, sizeof(ethit_tmpdir), "%s/cb-ethit.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (n < 0 || (size_t)n >= sizeof(ethit_tmpdir) ||
	    mkdtemp(ethit_tmpdir) == NULL) {
		fprintf(stderr, "test_eth_anvil: mkdtemp: %s\n", strerror(errno));
		ethit_tmpdir[0] = '\0';
		return -1;
	}
	return 0;
}

/* Removes the files of ethit_tmpdir (it has no subdirectories) and it. */
static void
ethit_tmpdir_remove(void)
{
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX];
	int n;

	if (ethit_tmpdir[0] == '\0' || (d = opendir(ethit_tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", ethit_tmpdir,
		    de->d_name);
		if (n > 0 && (size_t)n < sizeof(path))
			unlink(path);
	}
	closedir(d);
	if (rmdir(ethit_tmpdir) != 0)
		fprintf(stderr, "test_eth_anvil: rmdir %s: %s\n", ethit_tmpdir,
		    strerror(errno));
}

int
main(void)
{
	SRunner *sr;
	int failed;

	if (rpc_global_init() != CB_OK)
		return 99;
	ethit_require_node();
	if (ethit_tmpdir_create() != 0) {
		rpc_global_cleanup();
		return 99;
	}
	sr = srunner_create(ethit_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	ethit_tmpdir_remove();
	rpc_global_cleanup();
	return failed == 0 ? 0 : 1;
}
