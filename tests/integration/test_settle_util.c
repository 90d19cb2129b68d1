/* test_settle_util.c - helpers of the settlement integration tests
 * (test_settle_util.h). */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <curl/curl.h>

#include "money/u256.h"
#include "test_settle_util.h"

#define ST_BODY_MAX	((size_t)8 * 1024 * 1024)
#define ST_ROLE_HEX	67

static struct st_env	 env;
static pid_t		 main_pid;
static bool		 stack_daemon_stopped;
static char		 minter_role[ST_ROLE_HEX], burner_role[ST_ROLE_HEX];

const struct st_env *
st_env(void)
{
	return &env;
}

static _Noreturn void st_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void
st_die(const char *fmt, ...)
{
	va_list ap;

	fputs("test_settle: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ck_abort_msg("test_settle: fatal (see stderr)");
	abort();
}

static void
st_copy(char *dst, size_t cap, const char *src, const char *what)
{
	if (src == NULL || snprintf(dst, cap, "%s", src) >= (int)cap)
		st_die("%s missing or too long", what);
}

static void
st_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

int
st_stack(const char *arg, ...)
{
	const char *argv[8];
	va_list ap;
	size_t n = 0;

	argv[n++] = env.stack;
	argv[n++] = arg;
	va_start(ap, arg);
	while (n < 7 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return harness_run(argv, NULL, 0);
}

/* At exit of the main process: the stack's daemon runs again. */
static void
st_restore(void)
{
	if (getpid() != main_pid || !stack_daemon_stopped)
		return;
	if (st_stack("start", "chaind", NULL) != 0)
		fprintf(stderr, "test_settle: could not restart the stack's chainbridge-chaind\n");
	stack_daemon_stopped = false;
}

static void
st_on_signal(int sig)
{
	st_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

void
st_init(const char *name)
{
	const struct harness_env *h;
	const char *v, *build;
	struct stat sb;

	harness_require_stack();
	harness_exclusive();
	h = harness_env();
	main_pid = getpid();
	st_copy(env.rpc_url, sizeof(env.rpc_url), harness_getenv("ETH_RPC_URL"), "ETH_RPC_URL");
	st_copy(env.signer, sizeof(env.signer), harness_getenv("SIGNER_ADDRESS"), "SIGNER_ADDRESS");
	st_copy(env.deployer, sizeof(env.deployer), harness_getenv("DEPLOYER_ADDRESS"),
	    "DEPLOYER_ADDRESS");
	st_lower(env.signer);
	st_lower(env.deployer);
	st_copy(env.cast, sizeof(env.cast), harness_getenv("CAST"), "CAST");
	st_copy(env.conf, sizeof(env.conf), h->conf, "CHAINBRIDGE_CONF");
	v = harness_getenv("CHAINBRIDGE_BLOCK_TIME");
	env.block_time = v != NULL ? (unsigned)strtoul(v, NULL, 10) : 1;
	/* This build's daemon (the sanitized one in build-san), else the
	 * stack's. */
	build = getenv("CB_BUILDDIR");
	if (build == NULL || *build == '\0')
		build = h->build_dir;
	snprintf(env.chaind, sizeof(env.chaind), "%s/src/chaind/chainbridge-chaind", build);
	snprintf(env.admin, sizeof(env.admin), "%s/src/admin/chainbridge-admin", build);
	if (h->srcdir == NULL)
		st_die("CB_SRCDIR unset");
	snprintf(env.stack, sizeof(env.stack), "%s/scripts/stack", h->srcdir);
	if (access(env.chaind, X_OK) != 0 || access(env.stack, X_OK) != 0)
		st_die("%s or %s missing", env.chaind, env.stack);
	snprintf(env.workdir, sizeof(env.workdir), "%s/tests", h->state_dir);
	(void)mkdir(env.workdir, 0700);
	snprintf(env.workdir, sizeof(env.workdir), "%s/tests/%s-%ld", h->state_dir, name,
	    (long)getpid());
	if (mkdir(env.workdir, 0700) != 0 && (stat(env.workdir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
		st_die("mkdir %s: %s", env.workdir, strerror(errno));
	env.admin_key = harness_apikey("read,write,admin");
	env.write_key = env.admin_key;
	env.read_key = env.admin_key;
	/* The stack's daemon must not settle while the tests drive their own. */
	atexit(st_restore);
	signal(SIGTERM, st_on_signal);
	signal(SIGINT, st_on_signal);
	stack_daemon_stopped = true;
	if (st_stack("stop", "chaind", NULL) != 0)
		st_die("scripts/stack stop chaind failed");
	fprintf(stderr, "test_settle: daemon %s, node %s, signer %s, work %s\n", env.chaind,
	    env.rpc_url, env.signer, env.workdir);
}

/* ------------------------------------------------------------ chain */

struct sink {
	char	*data;
	size_t	 len;
};

static size_t
st_sink_cb(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct sink *s = arg;
	size_t n = size * nmemb;
	char *p;

	if (s->len + n + 1 > ST_BODY_MAX || (p = realloc(s->data, s->len + n + 1)) == NULL)
		return 0;
	s->data = p;
	memcpy(s->data + s->len, ptr, n);
	s->len += n;
	s->data[s->len] = '\0';
	return n;
}

json_object *
st_rpc_try(const char *method, const char *params, bool *ok, char *err, size_t cap)
{
	struct sink sink = { NULL, 0 };
	struct curl_slist *hdrs = NULL;
	json_object *doc, *res = NULL, *e;
	CURL *c;
	char *body;
	size_t blen = strlen(method) + strlen(params) + 64;
	CURLcode rc;

	*ok = false;
	if (err != NULL && cap > 0)
		err[0] = '\0';
	if ((body = malloc(blen)) == NULL || (c = curl_easy_init()) == NULL)
		st_die("out of memory");
	snprintf(body, blen, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
	    method, params);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, env.rpc_url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, st_sink_cb);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	rc = curl_easy_perform(c);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	free(body);
	if (rc != CURLE_OK || sink.data == NULL)
		st_die("%s: %s", method, curl_easy_strerror(rc));
	if ((doc = json_tokener_parse(sink.data)) == NULL)
		st_die("%s: not JSON: %.200s", method, sink.data);
	free(sink.data);
	if (json_object_object_get_ex(doc, "error", &e) && e != NULL) {
		json_object *m;

		if (err != NULL && json_object_object_get_ex(e, "message", &m))
			snprintf(err, cap, "%s", json_object_get_string(m));
		json_object_put(doc);
		return NULL;
	}
	if (json_object_object_get_ex(doc, "result", &res) && res != NULL)
		json_object_get(res);
	json_object_put(doc);
	*ok = true;
	return res;
}

json_object *
st_rpc(const char *method, const char *params)
{
	char err[512];
	json_object *r;
	bool ok;

	r = st_rpc_try(method, params, &ok, err, sizeof(err));
	if (!ok)
		st_die("%s %s: %s", method, params, err);
	return r;
}

void
st_rpc_str(const char *method, const char *params, char *out, size_t cap)
{
	json_object *r = st_rpc(method, params);

	if (r == NULL || !json_object_is_type(r, json_type_string))
		st_die("%s: not a string result", method);
	snprintf(out, cap, "%s", json_object_get_string(r));
	json_object_put(r);
}

void
st_hex_to_dec(const char *hex, char *out, size_t cap)
{
	u256 v;

	if (u256_from_hex_lenient(&v, hex, strlen(hex)) != 0 || u256_to_dec(&v, out, cap) == 0)
		st_die("not a quantity: %s", hex);
}

static uint64_t
st_hex_u64(const char *hex)
{
	char dec[ST_DEC_MAX];

	st_hex_to_dec(hex, dec, sizeof(dec));
	return strtoull(dec, NULL, 10);
}

uint64_t
st_block_number(void)
{
	char hex[ST_DEC_MAX];

	st_rpc_str("eth_blockNumber", "[]", hex, sizeof(hex));
	return st_hex_u64(hex);
}

uint64_t
st_nonce(const char *addr, const char *tag)
{
	char params[256], hex[ST_DEC_MAX];

	snprintf(params, sizeof(params), "[\"%s\",\"%s\"]", addr, tag);
	st_rpc_str("eth_getTransactionCount", params, hex, sizeof(hex));
	return st_hex_u64(hex);
}

void
st_mining(bool on)
{
	char params[32];

	if (on) {
		snprintf(params, sizeof(params), "[%u]", env.block_time);
		json_object_put(st_rpc("evm_setIntervalMining", params));
		return;
	}
	json_object_put(st_rpc("evm_setAutomine", "[false]"));
	json_object_put(st_rpc("evm_setIntervalMining", "[0]"));
}

static void
st_call(const char *to, const char *data, char *out, size_t cap)
{
	char params[1024];

	snprintf(params, sizeof(params), "[{\"to\":\"%s\",\"data\":\"%s\"},\"latest\"]", to, data);
	st_rpc_str("eth_call", params, out, cap);
}

void
st_balance_of(const char *token, const char *holder, char *out, size_t cap)
{
	char data[128], hex[ST_HASH_MAX + 8];
	const char *h = holder + (strncmp(holder, "0x", 2) == 0 ? 2 : 0);

	/* balanceOf(address): 0x70a08231, the address left-padded. */
	snprintf(data, sizeof(data), "0x70a08231000000000000000000000000%s", h);
	st_lower(data);
	st_call(token, data, hex, sizeof(hex));
	st_hex_to_dec(hex, out, cap);
}

void
st_total_supply(const char *token, char *out, size_t cap)
{
	char hex[ST_HASH_MAX + 8];

	st_call(token, "0x18160ddd", hex, sizeof(hex));
	st_hex_to_dec(hex, out, cap);
}

void
st_send(const char *from, const char *to, const char *data, char *hash, size_t cap)
{
	size_t plen = strlen(data) + 256;
	char *params;

	if ((params = malloc(plen)) == NULL)
		st_die("out of memory");
	if (to != NULL)
		snprintf(params, plen, "[{\"from\":\"%s\",\"to\":\"%s\",\"data\":\"%s\"}]", from, to,
		    data);
	else
		snprintf(params, plen, "[{\"from\":\"%s\",\"data\":\"%s\"}]", from, data);
	st_rpc_str("eth_sendTransaction", params, hash, cap);
	free(params);
}

int
st_receipt_status(const char *hash)
{
	char params[128];
	json_object *r, *st;
	int status = -1;

	snprintf(params, sizeof(params), "[\"%s\"]", hash);
	r = st_rpc("eth_getTransactionReceipt", params);
	if (r != NULL && json_object_object_get_ex(r, "status", &st))
		status = strcmp(json_object_get_string(st), "0x1") == 0 ? 1 : 0;
	json_object_put(r);
	return status;
}

int
st_wait_receipt(const char *hash)
{
	uint64_t end = harness_now_ms() + 60000;
	int st;

	while ((st = st_receipt_status(hash)) < 0) {
		if (harness_now_ms() > end)
			st_die("no receipt for %s", hash);
		harness_sleep_ms(100);
	}
	return st;
}

/* Runs cast with args (argv[1..]); its stdout, trimmed, to out. */
static void
st_cast(char *out, size_t cap, const char *const *args, size_t nargs)
{
	const char *argv[32];
	size_t i, n;
	int status;

	if (nargs + 2 > sizeof(argv) / sizeof(argv[0]))
		st_die("too many cast arguments");
	argv[0] = env.cast;
	for (i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	argv[nargs + 1] = NULL;
	status = harness_run(argv, out, cap);
	if (status != 0)
		st_die("cast %s failed (%d)", args[0], status);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
}

void
st_calldata(char *out, size_t cap, const char *sig, ...)
{
	const char *args[24];
	size_t n = 0;
	va_list ap;

	args[n++] = "calldata";
	args[n++] = sig;
	va_start(ap, sig);
	while (n < 23 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	st_cast(out, cap, args, n);
}

/* The init code of ChainBridgeToken (contracts/build, compiled by up). */
static char *
st_bytecode(void)
{
	char path[ST_PATH_MAX];
	json_object *doc, *bc;
	char *code;

	snprintf(path, sizeof(path), "%s/contracts/build/ChainBridgeToken.json",
	    harness_env()->srcdir);
	if ((doc = json_object_from_file(path)) == NULL ||
	    !json_object_object_get_ex(doc, "bytecode", &bc))
		st_die("no bytecode in %s", path);
	if ((code = strdup(json_object_get_string(bc))) == NULL)
		st_die("out of memory");
	json_object_put(doc);
	return code;
}

static void
st_roles(const char *token)
{
	char data[16];

	if (minter_role[0] != '\0')
		return;
	/* MINTER_ROLE() and BURNER_ROLE() as the contract states them. */
	st_calldata(data, sizeof(data), "MINTER_ROLE()", NULL);
	st_call(token, data, minter_role, sizeof(minter_role));
	st_calldata(data, sizeof(data), "BURNER_ROLE()", NULL);
	st_call(token, data, burner_role, sizeof(burner_role));
}

void
st_role(const char *token, const char *role, bool grant)
{
	char data[512], hash[ST_HASH_MAX];

	st_roles(token);
	st_calldata(data, sizeof(data), grant ? "grantRole(bytes32,address)" :
	    "revokeRole(bytes32,address)", strcmp(role, "MINTER_ROLE") == 0 ? minter_role :
	    burner_role, env.signer, NULL);
	st_send(env.deployer, token, data, hash, sizeof(hash));
	ck_assert_int_eq(st_wait_receipt(hash), 1);
}

static void
st_put_strategy(const char *sym, unsigned max_batch, unsigned max_wait, unsigned min_batch,
    const char *threshold, const char *priority)
{
	char body[1024], path[128], thr[96], prio[256];
	struct hresp r;

	if (threshold != NULL)
		snprintf(thr, sizeof(thr), "\"%s\"", threshold);
	else
		snprintf(thr, sizeof(thr), "null");
	if (priority != NULL)
		snprintf(prio, sizeof(prio), "[\"%s\"]", priority);
	else
		snprintf(prio, sizeof(prio), "[]");
	snprintf(body, sizeof(body), "{\"max_batch_size\":%u,\"max_wait_seconds\":%u,"
	    "\"min_batch_size\":%u,\"value_threshold\":%s,\"priority_reasons\":%s}",
	    max_batch, max_wait, min_batch, thr, prio);
	snprintf(path, sizeof(path), "/api/v1/admin/strategies/%s", sym);
	if (hreq("PUT", path, env.admin_key, "application/json", body, (size_t)-1, NULL, &r) != 0)
		st_die("PUT %s: transport", path);
	ck_assert_msg(r.status == 200 || r.status == 201, "PUT %s: %ld %s", path, r.status,
	    r.body);
	hresp_free(&r);
}

void
st_strategy(const char *sym, unsigned max_batch, unsigned max_wait, unsigned min_batch,
    const char *threshold, const char *priority)
{
	st_put_strategy(sym, max_batch, max_wait, min_batch, threshold, priority);
}

void
st_token(bool keyed, unsigned max_batch, unsigned max_wait, unsigned min_batch,
    const char *threshold, const char *priority, char *sym, size_t cap, char *addr)
{
	static unsigned serial;
	char args[1024], hash[ST_HASH_MAX], data[512], name[64], body[1024];
	const char *ca[8];
	char *code, *init;
	json_object *r, *v;
	struct hresp resp;
	size_t len;

	snprintf(sym, cap, "S%05lx%04x%c", (long)getpid() & 0xfffff,
	    (unsigned)(harness_now_ms() & 0xffff) ^ ++serial, keyed ? 'K' : 'P');
	snprintf(name, sizeof(name), "Settle test %s", sym);
	ca[0] = "abi-encode";
	ca[1] = "f(string,string,uint8,address)";
	ca[2] = name;
	ca[3] = sym;
	ca[4] = "18";
	ca[5] = env.deployer;
	st_cast(args, sizeof(args), ca, 6);
	code = st_bytecode();
	len = strlen(code) + strlen(args) + 1;
	if ((init = malloc(len)) == NULL)
		st_die("out of memory");
	snprintf(init, len, "%s%s", code, args + 2);
	st_send(env.deployer, NULL, init, hash, sizeof(hash));
	free(init);
	free(code);
	ck_assert_int_eq(st_wait_receipt(hash), 1);
	snprintf(data, sizeof(data), "[\"%s\"]", hash);
	r = st_rpc("eth_getTransactionReceipt", data);
	if (r == NULL || !json_object_object_get_ex(r, "contractAddress", &v))
		st_die("no contract address");
	snprintf(addr, ST_ADDR_MAX, "%s", json_object_get_string(v));
	st_lower(addr);
	json_object_put(r);
	st_role(addr, "MINTER_ROLE", true);
	st_role(addr, "BURNER_ROLE", true);
	snprintf(body, sizeof(body), "{\"symbol\":\"%s\",\"name\":\"%s\",\"chain\":\"local\","
	    "\"chain_id\":31337,\"address\":\"%s\",\"decimals\":18,\"settlement\":\"%s\"}",
	    sym, name, addr, keyed ? "keyed" : "plain");
	lt_post("/api/v1/admin/tokens", env.admin_key, NULL, body, &resp);
	ck_assert_msg(resp.status == 201, "token create: %ld %s", resp.status, resp.body);
	hresp_free(&resp);
	st_put_strategy(sym, max_batch, max_wait, min_batch, threshold, priority);
	fprintf(stderr, "test_settle: token %s (%s) at %s\n", sym, keyed ? "keyed" : "plain", addr);
}

/* ------------------------------------------------------------ ledger */

void
st_random_address(char *out)
{
	unsigned char b[20];
	size_t i;

	ck_assert(getrandom(b, sizeof(b), 0) == (ssize_t)sizeof(b));
	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < sizeof(b); i++)
		snprintf(out + 2 + 2 * i, 3, "%02x", b[i]);
}

void
st_bind(const char *user, const char *addr)
{
	char body[512];
	struct hresp r;

	snprintf(body, sizeof(body), "{\"user_id\":\"%s\",\"chain_id\":31337,\"address\":\"%s\"}",
	    user, addr);
	lt_post("/api/v1/wallets", env.write_key, NULL, body, &r);
	ck_assert_msg(r.status == 201 || r.status == 200, "bind %s: %ld %s", user, r.status,
	    r.body);
	hresp_free(&r);
}

long
st_adjust(const char *symbol, const char *const *users, const char *const *amounts, size_t n,
    bool high, char *op, size_t cap)
{
	size_t blen = 256 + n * 256, off, i;
	struct hresp r;
	char *body;
	long status;

	if ((body = malloc(blen)) == NULL)
		st_die("out of memory");
	off = (size_t)snprintf(body, blen, "{\"adjustments\":[");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(body + off, blen - off, "%s{\"user_id\":\"%s\","
		    "\"token_symbol\":\"%s\",\"amount\":\"%s\",\"reason_type\":\"adjustment\","
		    "\"reason_detail\":\"settlement test\"}", i > 0 ? "," : "", users[i], symbol,
		    amounts[i]);
	snprintf(body + off, blen - off, "],\"priority\":\"%s\"}", high ? "high" : "normal");
	lt_post("/api/v1/balance/adjust", env.write_key, NULL, body, &r);
	free(body);
	status = r.status;
	if (op != NULL && cap > 0) {
		const char *id = lt_str(r.json, "operation_id");

		snprintf(op, cap, "%s", id != NULL ? id : "");
	}
	if (status != 201)
		fprintf(stderr, "test_settle: adjust %s: %ld %s\n", symbol, status, r.body);
	hresp_free(&r);
	return status;
}

uint64_t
st_token_id(const char *symbol)
{
	uint64_t id = lt_sql_u64("SELECT id FROM tokens WHERE symbol = ?", symbol, NULL);

	ck_assert_msg(id > 0, "no token %s", symbol);
	return id;
}

bool
st_wait_sql(uint64_t want, unsigned timeout_ms, const char *sql, ...)
{
	const char *params[HDB_MAX_PARAMS];
	uint64_t end = harness_now_ms() + timeout_ms;
	char out[64];
	unsigned n = 0;
	bool found;
	va_list ap;

	va_start(ap, sql);
	while (n < HDB_MAX_PARAMS && (params[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	for (;;) {
		hdb_prepared(sql, params, n, out, sizeof(out), &found);
		if (found && strtoull(out, NULL, 10) == want)
			return true;
		if (harness_now_ms() > end)
			return false;
		harness_sleep_ms(200);
	}
}

void
st_check_token(const char *symbol, const char *address, bool allow_failed)
{
	char tid[24], user[LT_NAME_MAX + 8], wallet[ST_ADDR_MAX], bal[ST_DEC_MAX];
	char chain[ST_DEC_MAX], supply[ST_DEC_MAX], hash[ST_HASH_MAX], n[24];
	uint64_t users, batches;

	snprintf(tid, sizeof(tid), "%llu", (unsigned long long)st_token_id(symbol));
	ck_assert_uint_eq(lt_sql_u64(allow_failed ?
	    "SELECT COUNT(*) FROM balance_changes WHERE token_id = ?"
	    " AND status NOT IN ('confirmed', 'failed')" :
	    "SELECT COUNT(*) FROM balance_changes WHERE token_id = ? AND status <> 'confirmed'",
	    tid, NULL), 0);
	/* The ledger agrees with itself: confirmed_balance is the sum of the
	 * confirmed changes (a batch confirmed twice would count twice). */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM user_balances ub WHERE ub.token_id = ?"
	    " AND ub.confirmed_balance <> (SELECT COALESCE(SUM(c.amount), 0)"
	    " FROM balance_changes c WHERE c.user_id = ub.user_id AND c.token_id = ub.token_id"
	    " AND c.status = 'confirmed')", tid, NULL), 0);
	/* And with the chain, wallet by wallet. */
	users = 0;
	user[0] = '\0';
	while (lt_sql_str(user, sizeof(user), "SELECT MIN(user_id) FROM user_balances"
	    " WHERE token_id = ? AND user_id > ?", tid, user, NULL)) {
		users++;
		ck_assert(lt_sql_str(bal, sizeof(bal), "SELECT confirmed_balance FROM user_balances"
		    " WHERE token_id = ? AND user_id = ?", tid, user, NULL));
		if (!lt_sql_str(wallet, sizeof(wallet), "SELECT CONCAT('0x', LOWER(HEX(address)))"
		    " FROM wallets WHERE user_id = ? AND chain_id = 31337", user, NULL)) {
			ck_assert_str_eq(bal, "0");
			continue;
		}
		st_balance_of(address, wallet, chain, sizeof(chain));
		ck_assert_msg(strcmp(bal, chain) == 0, "%s %s: ledger %s, chain %s", symbol, user,
		    bal, chain);
	}
	/* Total supply moved by exactly the ledger's net. */
	ck_assert(lt_sql_str(bal, sizeof(bal), "SELECT COALESCE(SUM(confirmed_balance), 0)"
	    " FROM user_balances WHERE token_id = ?", tid, NULL));
	st_total_supply(address, supply, sizeof(supply));
	ck_assert_msg(strcmp(bal, supply) == 0, "%s: ledger net %s, totalSupply %s", symbol, bal,
	    supply);
	/* Every batch with a receipt: exactly one mined attempt, and that
	 * one succeeded on chain (or, failed on chain, reverted). */
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_batches b"
	    " WHERE b.token_id = ? AND (b.status = 'confirmed' OR b.nonce IS NOT NULL AND"
	    " b.status = 'failed') AND (SELECT COUNT(*) FROM settlement_attempts a"
	    " WHERE a.batch_id = b.id AND a.status = 'mined') <> 1", tid, NULL), 0);
	ck_assert_uint_eq(lt_sql_u64("SELECT COUNT(*) FROM settlement_batches"
	    " WHERE token_id = ? AND status NOT IN ('confirmed', 'failed')", tid, NULL), 0);
	batches = 0;
	snprintf(n, sizeof(n), "0");
	while (lt_sql_str(n, sizeof(n), "SELECT MIN(id) FROM settlement_batches"
	    " WHERE token_id = ? AND status = 'confirmed' AND id > ?", tid, n, NULL)) {
		batches++;
		ck_assert(lt_sql_str(hash, sizeof(hash), "SELECT CONCAT('0x', LOWER(HEX(tx_hash)))"
		    " FROM settlement_batches WHERE id = ?", n, NULL));
		ck_assert_msg(st_receipt_status(hash) == 1, "batch tx %s not a success", hash);
	}
	fprintf(stderr, "test_settle: %s consistent: %llu holders, %llu batches, supply %s\n",
	    symbol, (unsigned long long)users, (unsigned long long)batches, supply);
}

/* ----------------------------------------------------------- daemons */

void
st_conf(char *path, size_t cap, const char *tag, ...)
{
	const char *keys[32], *vals[32];
	char line[1024];
	size_t n = 0, i;
	bool in_chain = false, *done;
	FILE *in, *out;
	va_list ap;

	va_start(ap, tag);
	while (n < 32 && (keys[n] = va_arg(ap, const char *)) != NULL) {
		vals[n] = va_arg(ap, const char *);
		n++;
	}
	va_end(ap);
	if ((done = calloc(n + 1, sizeof(*done))) == NULL)
		st_die("out of memory");
	snprintf(path, cap, "%s/%s.conf", env.workdir, tag);
	if ((in = fopen(env.conf, "r")) == NULL || (out = fopen(path, "w")) == NULL)
		st_die("cannot copy %s to %s", env.conf, path);
	while (fgets(line, sizeof(line), in) != NULL) {
		if (line[0] == '[') {
			if (in_chain)
				for (i = 0; i < n; i++)
					if (!done[i])
						fprintf(out, "%s = %s\n", keys[i], vals[i]);
			in_chain = strncmp(line, "[chain ", 7) == 0;
			fputs(line, out);
			continue;
		}
		if (in_chain) {
			for (i = 0; i < n; i++) {
				size_t kl = strlen(keys[i]);

				if (strncmp(line, keys[i], kl) == 0 &&
				    (line[kl] == ' ' || line[kl] == '='))
					break;
			}
			if (i < n) {
				if (!done[i])
					fprintf(out, "%s = %s\n", keys[i], vals[i]);
				done[i] = true;
				continue;
			}
		}
		fputs(line, out);
	}
	if (in_chain)
		for (i = 0; i < n; i++)
			if (!done[i])
				fprintf(out, "%s = %s\n", keys[i], vals[i]);
	fclose(in);
	fclose(out);
	free(done);
}

void
st_daemon_start(struct st_daemon *d, const char *conf, const char *tag, const char *failpoints)
{
	static unsigned serial;
	pid_t pid;
	int fd;

	memset(d, 0, sizeof(*d));
	snprintf(d->conf, sizeof(d->conf), "%s", conf);
	snprintf(d->log, sizeof(d->log), "%s/%s-%ld-%u.log", env.workdir, tag, (long)getpid(),
	    ++serial);
	if ((pid = fork()) == -1)
		st_die("fork: %s", strerror(errno));
	if (pid == 0) {
		/* Never outlive the test process that started it. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
			_exit(126);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if ((fd = open("/dev/null", O_RDONLY)) != -1)
			dup2(fd, STDIN_FILENO);
		if (failpoints != NULL)
			setenv("CHAINBRIDGE_FAILPOINTS", failpoints, 1);
		else
			unsetenv("CHAINBRIDGE_FAILPOINTS");
		execl(env.chaind, env.chaind, "-c", conf, "-n", "local", (char *)NULL);
		_exit(127);
	}
	d->pid = pid;
}

bool
st_daemon_alive(const struct st_daemon *d)
{
	return d->pid > 0 && harness_pid_alive(d->pid);
}

void
st_daemon_kill(struct st_daemon *d)
{
	int status;

	if (d->pid <= 0)
		return;
	kill(d->pid, SIGKILL);
	while (waitpid(d->pid, &status, 0) == -1 && errno == EINTR)
		continue;
	d->pid = 0;
}

int
st_daemon_stop(struct st_daemon *d)
{
	uint64_t end = harness_now_ms() + 30000;
	int status = -1;
	pid_t r;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	for (;;) {
		r = waitpid(d->pid, &status, WNOHANG);
		if (r == d->pid)
			break;
		if (harness_now_ms() > end) {
			st_daemon_kill(d);
			ck_abort_msg("chainbridge-chaind did not stop on SIGTERM");
		}
		harness_sleep_ms(50);
	}
	d->pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Reads the log from offset; returns a malloc'd NUL-terminated copy. */
static char *
st_log_read(const struct st_daemon *d, off_t from, off_t *end)
{
	struct stat sb;
	char *buf;
	ssize_t got;
	size_t len;
	int fd;

	if ((fd = open(d->log, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &sb) != 0) {
		if (fd != -1)
			close(fd);
		*end = from;
		return strdup("");
	}
	len = sb.st_size > from ? (size_t)(sb.st_size - from) : 0;
	if ((buf = malloc(len + 1)) == NULL)
		st_die("out of memory");
	got = len > 0 ? pread(fd, buf, len, from) : 0;
	close(fd);
	if (got < 0)
		got = 0;
	buf[got] = '\0';
	*end = from + got;
	return buf;
}

bool
st_log_wait(struct st_daemon *d, const char *text, unsigned timeout_ms)
{
	uint64_t end = harness_now_ms() + timeout_ms;
	off_t stop;
	char *buf;
	bool found;

	for (;;) {
		buf = st_log_read(d, d->log_mark, &stop);
		found = strstr(buf, text) != NULL;
		free(buf);
		if (found)
			return true;
		if (harness_now_ms() > end)
			return false;
		harness_sleep_ms(50);
	}
}

void
st_log_mark(struct st_daemon *d)
{
	off_t end;

	free(st_log_read(d, 0, &end));
	d->log_mark = end;
}

unsigned
st_log_count(const struct st_daemon *d, const char *text)
{
	off_t end;
	char *buf = st_log_read(d, 0, &end), *p = buf;
	unsigned n = 0;

	while ((p = strstr(p, text)) != NULL) {
		n++;
		p += strlen(text);
	}
	free(buf);
	return n;
}

bool
st_holds_lease(const struct st_daemon *d)
{
	char like[48];

	snprintf(like, sizeof(like), "%%:%ld:%%", (long)d->pid);
	return lt_sql_u64("SELECT COUNT(*) FROM leases WHERE name = 'chain:31337'"
	    " AND expires_at > NOW(6) AND holder LIKE ?", like, NULL) == 1;
}
