/*
 * test_sync.c - the chain index end to end (docs/sync.md): real MariaDB,
 * a private anvil (so reorgs, snapshots and automine switches never touch
 * the stack's chain), and chainbridge-chaind run as processes of this test
 * with test configurations, killed by PID.
 *
 * Under harness_exclusive(); the stack's daemon is stopped for the run and
 * started again at the end, also after a failure.  Two databases on the
 * stack's MariaDB: <db>_synct, followed by a long-running daemon through
 * the cases, and <db>_syncf, synced from block 0 by a second daemon
 * whenever a case compares "a fresh sync of the same chain": a canonical
 * dump of every synced table (bookkeeping like undo records and sync
 * timestamps left out) must be equal.
 *
 * Chain activity is made with `cast send` from several anvil development
 * accounts (their keys are public test keys), and anvil's own tricks:
 * anvil_reorg with replacement transactions, evm_snapshot/evm_revert plus
 * new blocks, evm_setAutomine to put several transactions in one block.
 *
 * The cases run in order on one chain and share it (CK_NOFORK), so each
 * builds on the last; every wait is bounded.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <mysql.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/buf.h"
#include "core/hex.h"
#include "eth/abi.h"
#include "eth/address.h"
#include "eth/keccak.h"
#include "eth/rpc.h"
#include "harness.h"
#include "money/u256.h"

#define ST_CHAIN_ID		31337
#define ST_CHAIN		"t"
#define ST_WAIT_MS		90000
#define ST_MAX_DAEMONS		16
#define ST_DUMP_MAX		((size_t)64 * 1024 * 1024)
#define ST_FINALITY		100	/* the main daemon's finality depth */

/* anvil's development accounts: public test keys. */
static const char *const st_addr[] = {
	"0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
	"0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
	"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
	"0x90F79bf6EB2c4f870365E785982E1f101E93b906",
	"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
	"0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
	"0x976EA74026E726554dB657fA54763abd0C3a0aa9",
};
static const char *const st_key[] = {
	"0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
	"0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
	"0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
	"0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
	"0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
	"0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
	"0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
};
#define ST_ACCOUNTS	(sizeof(st_addr) / sizeof(st_addr[0]))

static struct {
	char		 url[128];		/* the private anvil */
	char		 proxy_url[128];
	pid_t		 anvil;
	char		 tmp[256];
	char		 db[64];
	char		 db_fresh[64];
	char		 conf[PATH_MAX];	/* main daemon */
	char		 conf_fresh[PATH_MAX];
	char		 conf_proxy[PATH_MAX];	/* fresh db, through the proxy */
	char		 conf_shallow[PATH_MAX]; /* main db, finality depth 3 */
	char		 cast[PATH_MAX];
	char		 admin[PATH_MAX];
	char		 chaind[PATH_MAX];
	char		 srcdir[2048];
	char		 token[43], pool[43], e721[43], e20[43];
	pid_t		 daemons[ST_MAX_DAEMONS];
	pid_t		 main_daemon;
	struct rpc_client *rpc;
	unsigned	 log_seq;
} T;

static _Noreturn void st_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void
st_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "test_sync: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(99);
}

/* ------------------------------------------------------------ processes */

static void
st_track(pid_t pid)
{
	size_t i;

	for (i = 0; i < ST_MAX_DAEMONS; i++)
		if (T.daemons[i] == 0) {
			T.daemons[i] = pid;
			return;
		}
	st_die("too many daemons");
}

/* Stops pid (sig, then waits; SIGKILL after 20 s) and reaps it. */
static void
st_stop(pid_t pid, int sig)
{
	uint64_t deadline = harness_now_ms() + 20000;
	size_t i;
	int status;

	if (pid <= 0)
		return;
	kill(pid, sig);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (harness_now_ms() > deadline) {
			kill(pid, SIGKILL);
			(void)waitpid(pid, &status, 0);
			break;
		}
		harness_sleep_ms(50);
	}
	for (i = 0; i < ST_MAX_DAEMONS; i++)
		if (T.daemons[i] == pid)
			T.daemons[i] = 0;
}

/* Starts chainbridge-chaind -c conf -n t with the failpoints (may be NULL),
 * output to a fresh log file whose path goes to log_out. */
static pid_t
st_daemon(const char *conf, const char *failpoints, char *log_out, size_t cap)
{
	char log[PATH_MAX];
	pid_t pid;

	snprintf(log, sizeof(log), "%s/chaind-%u.log", T.tmp, ++T.log_seq);
	if (log_out != NULL)
		snprintf(log_out, cap, "%s", log);
	if ((pid = fork()) == -1)
		st_die("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		if (failpoints != NULL)
			setenv("CHAINBRIDGE_FAILPOINTS", failpoints, 1);
		else
			unsetenv("CHAINBRIDGE_FAILPOINTS");
		execl(T.chaind, T.chaind, "-c", conf, "-n", ST_CHAIN, (char *)NULL);
		_exit(127);
	}
	st_track(pid);
	return pid;
}

/* True when the file at path contains needle. */
static bool
st_file_has(const char *path, const char *needle)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(buf, sizeof(buf), f) != NULL)
		found = strstr(buf, needle) != NULL;
	fclose(f);
	return found;
}

static void
st_wait_file(const char *path, const char *needle)
{
	uint64_t deadline = harness_now_ms() + ST_WAIT_MS;

	while (!st_file_has(path, needle)) {
		if (harness_now_ms() > deadline)
			st_die("no '%s' in %s within %d s", needle, path, ST_WAIT_MS / 1000);
		harness_sleep_ms(50);
	}
}

/* Runs argv; aborts unless it exits 0.  Output (up to cap) into out. */
static void
st_run(const char *const argv[], char *out, size_t cap)
{
	int st = harness_run(argv, out, cap);

	if (st != 0) {
		size_t i;

		fprintf(stderr, "test_sync: command failed (%d):", st);
		for (i = 0; argv[i] != NULL; i++)
			fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, "\n");
		if (out != NULL)
			fprintf(stderr, "%s\n", out);
		st_die("command failed");
	}
}

/* ---------------------------------------------------------------- node */

static json_object *
st_rpc(const char *method, json_object *params)
{
	struct rpc_error err;
	json_object *res = NULL;
	enum cb_err rc = rpc_call(T.rpc, method, params, &res, &err);

	json_object_put(params);
	if (rc != CB_OK)
		st_die("%s: %s %s", method, cb_errcode(rc), err.message);
	return res;
}

static json_object *
st_params(const char *fmt, ...)
{
	json_object *p = json_object_new_array();
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		if (*fmt == 's')
			json_object_array_add(p, json_object_new_string(va_arg(ap, const char *)));
		else if (*fmt == 'u')
			json_object_array_add(p, json_object_new_uint64(va_arg(ap, uint64_t)));
		else if (*fmt == 'b')
			json_object_array_add(p, json_object_new_boolean(va_arg(ap, int)));
		else if (*fmt == 'j')
			json_object_array_add(p, va_arg(ap, json_object *));
	}
	va_end(ap);
	return p;
}

static uint64_t
st_head(void)
{
	uint64_t n;

	if (rpc_eth_block_number(T.rpc, &n, NULL) != CB_OK)
		st_die("eth_blockNumber");
	return n;
}

static void
st_block_hash(uint64_t n, char out[67])
{
	struct rpc_block b;
	struct rpc_block_ref ref = { RPC_BLOCK_NUMBER, n };

	if (rpc_eth_get_block_by_number(T.rpc, ref, &b, NULL) != CB_OK)
		st_die("eth_getBlockByNumber %" PRIu64, n);
	hex_encode(out, 67, b.hash.bytes, 32, false);
	rpc_block_clear(&b);
}

static void
st_automine(bool on)
{
	json_object_put(st_rpc("evm_setAutomine", st_params("b", on)));
}

static void
st_mine(unsigned n)
{
	char q[24];

	snprintf(q, sizeof(q), "0x%x", n);
	json_object_put(st_rpc("anvil_mine", st_params("s", q)));
}

/* cast send from account a: to sig args...  (NULL-terminated). */
static void
st_send(unsigned a, const char *to, const char *sig, ...)
{
	const char *argv[32];
	char out[8192];
	size_t n = 0;
	va_list ap;
	const char *arg;

	argv[n++] = T.cast;
	argv[n++] = "send";
	argv[n++] = "--rpc-url";
	argv[n++] = T.url;
	argv[n++] = "--private-key";
	argv[n++] = st_key[a];
	argv[n++] = to;
	argv[n++] = sig;
	va_start(ap, sig);
	while ((arg = va_arg(ap, const char *)) != NULL && n + 2 < sizeof(argv) / sizeof(argv[0]))
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	st_run(argv, out, sizeof(out));
}

/* The same without waiting for a receipt (automine off). */
static void
st_send_async(unsigned a, const char *to, const char *sig, ...)
{
	char nonce_text[24];
	const char *argv[32];
	char out[8192];
	size_t n = 0;
	va_list ap;
	const char *arg;

	argv[n++] = T.cast;
	argv[n++] = "send";
	argv[n++] = "--async";
	argv[n++] = "--gas-limit";
	argv[n++] = "500000";
	/* The pending nonce: an earlier send may wait in the pool. */
	{
		struct address a_addr;
		struct rpc_block_ref pending = { RPC_BLOCK_PENDING, 0 };
		uint64_t nonce;

		if (address_parse(st_addr[a], strlen(st_addr[a]), &a_addr) != ADDRESS_OK ||
		    rpc_eth_get_transaction_count(T.rpc, &a_addr, pending, &nonce,
		    NULL) != CB_OK)
			st_die("pending nonce");
		snprintf(nonce_text, sizeof(nonce_text), "%" PRIu64, nonce);
		argv[n++] = "--nonce";
		argv[n++] = nonce_text;
	}
	argv[n++] = "--rpc-url";
	argv[n++] = T.url;
	argv[n++] = "--private-key";
	argv[n++] = st_key[a];
	argv[n++] = to;
	argv[n++] = sig;
	va_start(ap, sig);
	while ((arg = va_arg(ap, const char *)) != NULL && n + 2 < sizeof(argv) / sizeof(argv[0]))
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	st_run(argv, out, sizeof(out));
}

/* eth_call to.sig(addresses...) on rpc at ref -> one uint256 word. */
static void
st_call_at(struct rpc_client *rpc, struct rpc_block_ref ref, const char *to, const char *sig,
    const char *a1, const char *a2, u256 *out)
{
	struct address t, x;
	struct abi_enc e;
	uint8_t sel[4], *data = NULL, *res = NULL;
	size_t len = 0, rlen = 0;
	struct rpc_call_msg msg;

	if (address_parse(to, strlen(to), &t) != ADDRESS_OK)
		st_die("bad address %s", to);
	abi_selector(sig, sel);
	abi_enc_init(&e, sel, 1024);
	if (a1 != NULL) {
		if (address_parse(a1, strlen(a1), &x) != ADDRESS_OK)
			st_die("bad address %s", a1);
		abi_enc_address(&e, &x);
	}
	if (a2 != NULL) {
		if (address_parse(a2, strlen(a2), &x) != ADDRESS_OK)
			st_die("bad address %s", a2);
		abi_enc_address(&e, &x);
	}
	if (abi_enc_finish(&e, &data, &len) != CB_OK)
		st_die("abi");
	memset(&msg, 0, sizeof(msg));
	msg.to = &t;
	msg.data = data;
	msg.data_len = len;
	{
		struct rpc_error err;
		enum cb_err rc = rpc_eth_call(rpc, &msg, ref, &res, &rlen, &err);

		if (rc != CB_OK || rlen != 32)
			st_die("eth_call %s to %s: %s %s (%zu bytes)", sig, to, cb_errcode(rc),
			    err.message, rlen);
	}
	abi_word_uint256(res, out);
	free(data);
	free(res);
}

/* eth_call on the test's anvil at latest. */
static void
st_call(const char *to, const char *sig, const char *a1, const char *a2, u256 *out)
{
	struct rpc_block_ref ref = { RPC_BLOCK_LATEST, 0 };

	st_call_at(T.rpc, ref, to, sig, a1, a2, out);
}

static void
st_u256_dec(const u256 *v, char out[U256_DEC_MAX])
{
	if (u256_to_dec(v, out, U256_DEC_MAX) == 0)
		st_die("u256_to_dec");
}

/* "0x" + hex of the call data of sig(address, uint256). */
static void
st_calldata(char *out, size_t cap, const char *sig, const char *addr, uint64_t amount)
{
	struct abi_enc e;
	struct address a;
	uint8_t sel[4], *data = NULL;
	size_t len = 0;
	u256 v;

	abi_selector(sig, sel);
	abi_enc_init(&e, sel, 1024);
	if (addr != NULL) {
		if (address_parse(addr, strlen(addr), &a) != ADDRESS_OK)
			st_die("bad address");
		abi_enc_address(&e, &a);
	}
	u256_from_u64(&v, amount);
	abi_enc_uint256(&e, &v);
	if (abi_enc_finish(&e, &data, &len) != CB_OK)
		st_die("abi");
	hex_encode(out, cap, data, len, true);
	free(data);
}

/* One replacement transaction for anvil_reorg: [{from, to, data}, offset]. */
static json_object *
st_reorg_tx(unsigned from, const char *to, const char *data, unsigned offset)
{
	json_object *pair = json_object_new_array(), *tx = json_object_new_object();

	json_object_object_add(tx, "from", json_object_new_string(st_addr[from]));
	json_object_object_add(tx, "to", json_object_new_string(to));
	json_object_object_add(tx, "data", json_object_new_string(data));
	json_object_array_add(pair, tx);
	json_object_array_add(pair, json_object_new_uint64(offset));
	return pair;
}

/* -------------------------------------------------------------- store */

static MYSQL *
st_db_open(const char *name)
{
	MYSQL *m = mysql_init(NULL);

	if (m == NULL || mysql_real_connect(m, NULL, "root", NULL, name, 0,
	    harness_env()->db_socket, 0) == NULL)
		st_die("cannot connect to database %s", name != NULL ? name : "(none)");
	return m;
}

/* Runs sql with string parameters (NULL for SQL NULL); returns the first
 * column of the first row into out (when not NULL). */
static bool
st_sql(MYSQL *m, const char *sql, const char *const *params, unsigned n, char *out,
    size_t cap)
{
	MYSQL_STMT *st = mysql_stmt_init(m);
	MYSQL_BIND in[16], res;
	unsigned long lens[16], rlen = 0;
	my_bool is_null = 0;
	bool found = false;
	unsigned i;

	if (st == NULL || mysql_stmt_prepare(st, sql, strlen(sql)) != 0)
		st_die("prepare %s: %s", sql, st != NULL ? mysql_stmt_error(st) : "");
	memset(in, 0, sizeof(in));
	for (i = 0; i < n && i < 16; i++) {
		if (params[i] == NULL) {
			in[i].buffer_type = MYSQL_TYPE_NULL;
			continue;
		}
		lens[i] = strlen(params[i]);
		in[i].buffer_type = MYSQL_TYPE_STRING;
		in[i].buffer = (void *)(uintptr_t)params[i];
		in[i].buffer_length = lens[i];
		in[i].length = &lens[i];
	}
	if ((n > 0 && mysql_stmt_bind_param(st, in) != 0) || mysql_stmt_execute(st) != 0)
		st_die("execute %s: %s", sql, mysql_stmt_error(st));
	if (out != NULL && mysql_stmt_field_count(st) > 0) {
		memset(&res, 0, sizeof(res));
		res.buffer_type = MYSQL_TYPE_STRING;
		res.buffer = out;
		res.buffer_length = cap - 1;
		res.length = &rlen;
		res.is_null = &is_null;
		mysql_stmt_bind_result(st, &res);
		if (mysql_stmt_store_result(st) == 0 && mysql_stmt_fetch(st) == 0 && !is_null) {
			out[rlen < cap ? rlen : cap - 1] = '\0';
			found = true;
		} else
			out[0] = '\0';
	}
	mysql_stmt_close(st);
	return found;
}

static uint64_t
st_sql_u64(MYSQL *m, const char *sql, const char *const *params, unsigned n)
{
	char out[64];

	if (!st_sql(m, sql, params, n, out, sizeof(out)))
		return 0;
	return strtoull(out, NULL, 10);
}

/* The canonical dump of every synced table of a database. */
static const char *const st_dump_queries[] = {
	"SELECT last_block, HEX(last_hash) FROM sync_checkpoints",
	"SELECT number, HEX(hash), HEX(parent_hash), timestamp, base_fee, gas_used, tx_count,"
	" log_count, HEX(logs_bloom) FROM blocks ORDER BY chain_id, number",
	"SELECT HEX(hash), block_number, tx_index, HEX(from_addr), HEX(to_addr), value,"
	" HEX(value_raw), nonce, status, gas_used, HEX(input_head) FROM transactions"
	" ORDER BY chain_id, block_number, tx_index",
	"SELECT block_number, log_index, HEX(block_hash), HEX(tx_hash), tx_index, HEX(address),"
	" HEX(topic0), HEX(topic1), HEX(topic2), HEX(topic3), topic_count, HEX(data), removed"
	" FROM logs ORDER BY chain_id, block_number, log_index",
	"SELECT HEX(tx_hash), log_index, block_number, HEX(token_address), HEX(from_addr),"
	" HEX(to_addr), value, HEX(value_raw) FROM transfers ORDER BY chain_id, block_number,"
	" log_index",
	"SELECT HEX(tx_hash), log_index, block_number, HEX(token_address), HEX(owner),"
	" HEX(spender), value, HEX(value_raw) FROM approvals ORDER BY chain_id, block_number,"
	" log_index",
	"SELECT HEX(token_address), HEX(owner), HEX(spender), value, HEX(value_raw),"
	" updated_block FROM allowances ORDER BY chain_id, token_address, owner, spender",
	"SELECT HEX(token_address), HEX(holder), balance, HEX(balance_raw), updated_block"
	" FROM token_balances ORDER BY chain_id, token_address, holder",
	"SELECT HEX(token_address), total_supply, HEX(supply_raw), updated_block"
	" FROM token_supply ORDER BY chain_id, token_address",
	"SELECT HEX(tx_hash), log_index, HEX(pool_address), HEX(user_addr), amount,"
	" HEX(amount_raw), remaining, HEX(remaining_raw), staked_at, block_number FROM stakes"
	" ORDER BY chain_id, block_number, log_index",
	"SELECT HEX(tx_hash), log_index, HEX(pool_address), HEX(user_addr), amount,"
	" HEX(amount_raw), unstaked_at, block_number FROM unstakes"
	" ORDER BY chain_id, block_number, log_index",
	"SELECT HEX(tx_hash), log_index, HEX(pool_address), HEX(user_addr), amount,"
	" HEX(amount_raw), claimed_at, block_number FROM reward_claims ORDER BY chain_id,"
	" block_number, log_index",
	"SELECT HEX(pool_address), total_staked, HEX(total_raw), updated_block"
	" FROM staking_totals ORDER BY chain_id, pool_address",
};

static char *
st_dump(const char *dbname)
{
	MYSQL *m = st_db_open(dbname);
	struct buf b;
	size_t q;

	buf_init(&b, ST_DUMP_MAX);
	for (q = 0; q < sizeof(st_dump_queries) / sizeof(st_dump_queries[0]); q++) {
		MYSQL_RES *res;
		MYSQL_ROW row;
		unsigned nf, i;

		if (mysql_query(m, st_dump_queries[q]) != 0 ||
		    (res = mysql_store_result(m)) == NULL)
			st_die("dump %s: %s", st_dump_queries[q], mysql_error(m));
		nf = mysql_num_fields(res);
		buf_printf(&b, "== %.60s\n", st_dump_queries[q] + 7);
		while ((row = mysql_fetch_row(res)) != NULL) {
			for (i = 0; i < nf; i++)
				buf_printf(&b, "%s%s", i > 0 ? "|" : "", row[i] != NULL ? row[i] : "NULL");
			buf_putc(&b, '\n');
		}
		mysql_free_result(res);
	}
	mysql_close(m);
	return buf_detach(&b, NULL);
}

/* Fails the case at the first differing line of two dumps. */
static void
st_dumps_equal(const char *what, const char *a, const char *b)
{
	size_t line = 1, i;
	const char *la = a, *lb = b;

	for (i = 0; a[i] != '\0' && a[i] == b[i]; i++)
		if (a[i] == '\n') {
			line++;
			la = a + i + 1;
			lb = b + i + 1;
		}
	if (a[i] == b[i])
		return;
	ck_abort_msg("%s: dumps differ at line %zu:\n  synced: %.300s\n  fresh:  %.300s", what,
	    line, la, lb);
}

/* Waits until the database's checkpoint is the node's head (number and
 * hash), or halted when want_halt. */
static void
st_wait_synced(const char *dbname)
{
	uint64_t deadline = harness_now_ms() + ST_WAIT_MS;
	MYSQL *m = st_db_open(dbname);
	char hash[67], want[80], got[80];

	for (;;) {
		uint64_t head = st_head();

		st_block_hash(head, hash);
		snprintf(want, sizeof(want), "%" PRIu64 ":%s", head, hash);
		if (!st_sql(m, "SELECT CONCAT(last_block, ':', LOWER(HEX(last_hash)))"
		    " FROM sync_checkpoints WHERE chain_id = 31337", NULL, 0, got, sizeof(got)))
			got[0] = '\0';
		if (strcmp(want, got) == 0)
			break;
		if (harness_now_ms() > deadline)
			st_die("%s did not reach the head %s (at %s)", dbname, want, got);
		harness_sleep_ms(50);
	}
	mysql_close(m);
}

/* finality: a depth, or 0 for the node's "finalized" tag (anvil: head - 64). */
static void
st_write_conf(const char *path, const char *dbname, const char *url, unsigned finality,
    unsigned log_range)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		st_die("cannot write %s", path);
	fprintf(f, "[database]\nsocket = %s\nname = %s\nuser = root\n\n[log]\nlevel = info\n\n"
	    "[chain " ST_CHAIN "]\nchain_id = %d\nrpc_url = %s\npoll_interval_ms = 100\n"
	    "check_interval = 1\nfinality = %s\nfinality_depth = %u\nlog_range = %u\n"
	    "lease_ttl = 6\nrpc_timeout_ms = 5000\n",
	    harness_env()->db_socket, dbname, ST_CHAIN_ID, url,
	    finality == 0 ? "finalized" : "depth", finality == 0 ? 64 : finality, log_range);
	fclose(f);
}

/* A new database of that name, migrated, with the test's tokens and pool. */
static void
st_db_create(const char *dbname, const char *conf)
{
	MYSQL *m = st_db_open(NULL);
	char sql[256], out[4096];

	/* Identifiers cannot be bound: the name is the test's own. */
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", dbname);
	if (mysql_query(m, sql) != 0)
		st_die("%s", mysql_error(m));
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s CHARACTER SET utf8mb4"
	    " COLLATE utf8mb4_unicode_ci", dbname);
	if (mysql_query(m, sql) != 0)
		st_die("%s", mysql_error(m));
	mysql_close(m);
	{
		const char *argv[] = { T.admin, "-c", conf, "migrate", NULL };

		st_run(argv, out, sizeof(out));
	}
	{
		const char *const tokens[][4] = {
			{ "SYT", "Sync Test", T.token, "18" },
			{ "S721", "Sync 721", T.e721, "0" },
			{ "S20", "Sync 20", T.e20, "18" },
		};
		size_t i;

		for (i = 0; i < 3; i++) {
			const char *argv[] = { T.admin, "-c", conf, "token", "add", "--chain",
			    ST_CHAIN, "--symbol", tokens[i][0], "--name", tokens[i][1],
			    "--address", tokens[i][2], "--decimals", tokens[i][3], NULL };

			st_run(argv, out, sizeof(out));
		}
	}
	{
		const char *argv[] = { T.admin, "-c", conf, "staking", "add", "--chain", ST_CHAIN,
		    "--address", T.pool, "--token", "SYT", "--rate", "10000000000000000", NULL };

		st_run(argv, out, sizeof(out));
	}
}

/* Syncs the fresh database from block 0 to the head and compares. */
static void
st_compare_fresh(const char *what)
{
	char *a, *b;
	pid_t pid;

	st_wait_synced(T.db);
	st_db_create(T.db_fresh, T.conf_fresh);
	pid = st_daemon(T.conf_fresh, NULL, NULL, 0);
	st_wait_synced(T.db_fresh);
	st_wait_synced(T.db);
	st_stop(pid, SIGTERM);
	a = st_dump(T.db);
	b = st_dump(T.db_fresh);
	st_dumps_equal(what, a, b);
	free(a);
	free(b);
}

static void
st_main_start(void)
{
	if (T.main_daemon == 0)
		T.main_daemon = st_daemon(T.conf, NULL, NULL, 0);
}

static void
st_main_stop(int sig)
{
	st_stop(T.main_daemon, sig);
	T.main_daemon = 0;
}

/* ------------------------------------------------------------- setup */

static char *
st_artifact_bytecode(const char *name)
{
	char path[PATH_MAX];
	json_object *o, *v;
	char *out = NULL;

	snprintf(path, sizeof(path), "%s/contracts/build/%s.json", T.srcdir, name);
	if ((o = json_object_from_file(path)) == NULL)
		st_die("cannot read %s", path);
	if (json_object_object_get_ex(o, "bytecode", &v))
		out = strdup(json_object_get_string(v));
	json_object_put(o);
	if (out == NULL)
		st_die("no bytecode in %s", path);
	return out;
}

/* Deploys with cast from account 0; the address goes to out. */
static void
st_deploy(const char *name, char out[43], const char *sig, const char *a1, const char *a2,
    const char *a3, const char *a4)
{
	char *code = st_artifact_bytecode(name), res[16384];
	const char *argv[20];
	json_object *o, *v;
	size_t n = 0;

	argv[n++] = T.cast;
	argv[n++] = "send";
	argv[n++] = "--rpc-url";
	argv[n++] = T.url;
	argv[n++] = "--private-key";
	argv[n++] = st_key[0];
	argv[n++] = "--json";
	argv[n++] = "--create";
	argv[n++] = code;
	if (sig != NULL) {
		argv[n++] = sig;
		argv[n++] = a1;
		if (a2 != NULL)
			argv[n++] = a2;
		if (a3 != NULL)
			argv[n++] = a3;
		if (a4 != NULL)
			argv[n++] = a4;
	}
	argv[n] = NULL;
	st_run(argv, res, sizeof(res));
	if ((o = json_tokener_parse(res)) == NULL ||
	    !json_object_object_get_ex(o, "contractAddress", &v) ||
	    strlen(json_object_get_string(v)) != 42)
		st_die("no contract address for %s: %s", name, res);
	snprintf(out, 43, "%s", json_object_get_string(v));
	json_object_put(o);
	free(code);
}

static void
st_grant(const char *token, const char *role, const char *to)
{
	char role_hash[67];
	uint8_t h[32];

	keccak256(role, strlen(role), h);
	hex_encode(role_hash, sizeof(role_hash), h, 32, true);
	st_send(0, token, "grantRole(bytes32,address)", role_hash, to, NULL);
}

static void
st_start_anvil(void)
{
	const char *anvil = harness_getenv("ANVIL");
	uint64_t deadline;
	int port = 0;

	/* A free port: bind 0, read it back, release it for anvil. */
	{
		struct sockaddr_in sa;
		socklen_t sl = sizeof(sa);
		int s = socket(AF_INET, SOCK_STREAM, 0);

		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		    getsockname(s, (struct sockaddr *)&sa, &sl) != 0)
			st_die("no free port");
		port = ntohs(sa.sin_port);
		close(s);
	}
	if (anvil == NULL)
		st_die("ANVIL is not in the stack's environment");
	snprintf(T.url, sizeof(T.url), "http://127.0.0.1:%d", port);
	if ((T.anvil = fork()) == -1)
		st_die("fork");
	if (T.anvil == 0) {
		char ps[16], log[PATH_MAX];
		int fd;

		snprintf(ps, sizeof(ps), "%d", port);
		snprintf(log, sizeof(log), "%s/anvil.log", T.tmp);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644)) != -1) {
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		execl(anvil, anvil, "--host", "127.0.0.1", "--port", ps, "--chain-id", "31337",
		    "--silent", (char *)NULL);
		_exit(127);
	}
	if ((T.rpc = rpc_client_new(T.url, NULL)) == NULL)
		st_die("rpc client");
	deadline = harness_now_ms() + 30000;
	for (;;) {
		uint64_t id;

		if (rpc_eth_chain_id(T.rpc, &id, NULL) == CB_OK)
			break;
		if (harness_now_ms() > deadline)
			st_die("anvil did not answer");
		harness_sleep_ms(100);
	}
}

static void st_proxy_start(void);

static void
st_cleanup(void)
{
	size_t i;
	static bool done;
	MYSQL *m;
	char sql[128];

	if (done)
		return;
	done = true;
	for (i = 0; i < ST_MAX_DAEMONS; i++)
		if (T.daemons[i] > 0)
			st_stop(T.daemons[i], SIGKILL);
	if (T.anvil > 0) {
		kill(T.anvil, SIGTERM);
		(void)waitpid(T.anvil, NULL, 0);
		T.anvil = 0;
	}
	if ((m = mysql_init(NULL)) != NULL && mysql_real_connect(m, NULL, "root", NULL, NULL, 0,
	    harness_env()->db_socket, 0) != NULL) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", T.db);
		(void)mysql_query(m, sql);
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", T.db_fresh);
		(void)mysql_query(m, sql);
	}
	mysql_close(m);
	harness_chaind_start();
	rpc_client_free(T.rpc);
	T.rpc = NULL;
	if (T.tmp[0] != '\0' && getenv("TEST_SYNC_KEEP") == NULL) {
		const char *argv[] = { "/bin/rm", "-rf", T.tmp, NULL };

		(void)harness_run(argv, NULL, 0);
	}
}

static void
st_setup(void)
{
	const struct harness_env *e = harness_env();
	const char *cast = harness_getenv("CAST");
	char out[4096];

	snprintf(T.srcdir, sizeof(T.srcdir), "%s", e->srcdir);
	snprintf(T.admin, sizeof(T.admin), "%s/src/admin/chainbridge-admin", e->build_dir);
	snprintf(T.chaind, sizeof(T.chaind), "%s/src/chaind/chainbridge-chaind", e->build_dir);
	if (cast == NULL)
		st_die("CAST is not in the stack's environment");
	snprintf(T.cast, sizeof(T.cast), "%s", cast);
	snprintf(T.tmp, sizeof(T.tmp), "/tmp/test_sync.XXXXXX");
	if (mkdtemp(T.tmp) == NULL)
		st_die("mkdtemp");
	snprintf(T.db, sizeof(T.db), "%.40s_synct", e->db_name);
	snprintf(T.db_fresh, sizeof(T.db_fresh), "%.40s_syncf", e->db_name);
	atexit(st_cleanup);
	harness_chaind_stop();
	st_start_anvil();
	{
		char script[PATH_MAX];
		const char *argv[] = { "/usr/bin/env", "node", script, NULL };

		snprintf(script, sizeof(script), "%s/scripts/compile-contracts.js", T.srcdir);
		st_run(argv, out, sizeof(out));
	}
	st_deploy("ChainBridgeToken", T.token, "constructor(string,string,uint8,address)",
	    "Sync Test", "SYT", "18", st_addr[0]);
	st_grant(T.token, "MINTER_ROLE", st_addr[0]);
	st_grant(T.token, "BURNER_ROLE", st_addr[0]);
	st_deploy("StakingPool", T.pool, "constructor(address,uint256)", T.token,
	    "10000000000000000", NULL, NULL);
	st_grant(T.token, "MINTER_ROLE", T.pool);
	st_deploy("test/Sync721Emitter", T.e721, NULL, NULL, NULL, NULL, NULL);
	st_deploy("test/Sync20Emitter", T.e20, NULL, NULL, NULL, NULL, NULL);
	st_proxy_start();
	snprintf(T.conf, sizeof(T.conf), "%s/main.conf", T.tmp);
	snprintf(T.conf_fresh, sizeof(T.conf_fresh), "%s/fresh.conf", T.tmp);
	snprintf(T.conf_proxy, sizeof(T.conf_proxy), "%s/proxy.conf", T.tmp);
	snprintf(T.conf_shallow, sizeof(T.conf_shallow), "%s/shallow.conf", T.tmp);
	/* The main daemon follows anvil's finalized tag (head - 64): a reorg
	 * of 64 blocks is just inside it. */
	st_write_conf(T.conf, T.db, T.url, 0, 50);
	st_write_conf(T.conf_fresh, T.db_fresh, T.url, ST_FINALITY, 2000);
	st_write_conf(T.conf_proxy, T.db_fresh, T.proxy_url, ST_FINALITY, 1000);
	st_write_conf(T.conf_shallow, T.db, T.url, 3, 50);
	st_db_create(T.db, T.conf);
}

/* --------------------------------------------------------------- proxy */

/*
 * A JSON-RPC proxy in front of anvil, on loopback, that refuses
 * eth_getLogs ranges of more than max_span blocks and answers of more than
 * max_logs logs with the error texts of real providers, and can blank one
 * range answer that has logs (an empty array instead).  Queries by block
 * hash and everything else pass unchanged.
 */
static struct {
	int		 fd;
	unsigned	 max_span;
	unsigned	 max_logs;
	bool		 blank_next;
	unsigned	 refused;
	unsigned	 blanked;
	unsigned	 turn;
	pthread_mutex_t	 mu;
} P = { .fd = -1, .mu = PTHREAD_MUTEX_INITIALIZER };

static const struct {
	int		 code;
	const char	*message;
} st_refusals[] = {
	{ -32005, "query returned more than 10000 results. Try with this block range [0x1, 0x5]." },
	{ -32602, "eth_getLogs is limited to a 5 range" },
	{ -32000, "Log response size exceeded. You can make eth_getLogs requests with up to a 2K"
	    " block range and no limit on the response size" },
	{ -32000, "block range is too wide" },
	{ -32000, "exceed maximum block range: 5" },
	{ -32000, "query exceeds max results 20000, retry with a smaller range" },
};

struct st_resp {
	struct buf	b;
};

static size_t
st_resp_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct st_resp *r = arg;

	return buf_append(&r->b, p, size * nmemb) == CB_OK ? size * nmemb : 0;
}

static void
st_proxy_reply(int fd, const char *body, size_t len)
{
	char head[160];
	int n = snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\n\r\n", len);

	if (write(fd, head, (size_t)n) != n || write(fd, body, len) != (ssize_t)len)
		return;
}

static void
st_proxy_error(int fd, json_object *id, unsigned turn)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();
	const char *s;
	size_t k = turn % (sizeof(st_refusals) / sizeof(st_refusals[0]));

	json_object_object_add(e, "code", json_object_new_int(st_refusals[k].code));
	json_object_object_add(e, "message", json_object_new_string(st_refusals[k].message));
	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(o, "id", json_object_get(id));
	json_object_object_add(o, "error", e);
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	st_proxy_reply(fd, s, strlen(s));
	json_object_put(o);
}

/* One request: forwarded, or refused, or blanked. */
static void
st_proxy_handle(int fd, CURL *curl, const char *body, size_t len)
{
	json_object *req = json_tokener_parse(body), *m, *params, *f, *from, *to, *id = NULL;
	struct st_resp r;
	bool logs_range = false;

	buf_init(&r.b, (size_t)64 * 1024 * 1024);
	if (req != NULL && json_object_is_type(req, json_type_object) &&
	    json_object_object_get_ex(req, "method", &m) &&
	    strcmp(json_object_get_string(m), "eth_getLogs") == 0 &&
	    json_object_object_get_ex(req, "params", &params) &&
	    (f = json_object_array_get_idx(params, 0)) != NULL &&
	    json_object_object_get_ex(f, "fromBlock", &from) &&
	    json_object_object_get_ex(f, "toBlock", &to)) {
		uint64_t a = strtoull(json_object_get_string(from), NULL, 16);
		uint64_t b = strtoull(json_object_get_string(to), NULL, 16);

		json_object_object_get_ex(req, "id", &id);
		logs_range = true;
		pthread_mutex_lock(&P.mu);
		if (b >= a && b - a + 1 > P.max_span) {
			P.refused++;
			st_proxy_error(fd, id, P.turn++);
			pthread_mutex_unlock(&P.mu);
			goto out;
		}
		pthread_mutex_unlock(&P.mu);
	}
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
	if (curl_easy_perform(curl) != CURLE_OK) {
		st_proxy_reply(fd, "{}", 2);
		goto out;
	}
	if (logs_range) {
		json_object *resp = json_tokener_parse(r.b.data != NULL ? r.b.data : ""), *res;
		size_t n = 0;

		if (resp != NULL && json_object_object_get_ex(resp, "result", &res) &&
		    json_object_is_type(res, json_type_array))
			n = json_object_array_length(res);
		json_object_put(resp);
		pthread_mutex_lock(&P.mu);
		if (n > P.max_logs) {
			P.refused++;
			st_proxy_error(fd, id, P.turn++);
			pthread_mutex_unlock(&P.mu);
			goto out;
		}
		if (n > 0 && P.blank_next) {
			char blank[128];
			const char *ids = json_object_to_json_string_ext(id, JSON_C_TO_STRING_PLAIN);

			P.blank_next = false;
			P.blanked++;
			pthread_mutex_unlock(&P.mu);
			snprintf(blank, sizeof(blank), "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":[]}",
			    ids != NULL ? ids : "null");
			st_proxy_reply(fd, blank, strlen(blank));
			goto out;
		}
		pthread_mutex_unlock(&P.mu);
	}
	st_proxy_reply(fd, r.b.data != NULL ? r.b.data : "", r.b.len);
out:
	json_object_put(req);
	buf_free(&r.b);
}

static void *
st_proxy_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct buf in;
	CURL *curl = curl_easy_init();
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");

	buf_init(&in, (size_t)16 * 1024 * 1024);
	curl_easy_setopt(curl, CURLOPT_URL, T.url);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, st_resp_write);
	for (;;) {
		char chunk[65536], *end, *cl;
		size_t head_len, body_len = 0;
		ssize_t n;

		/* Read until the headers and the whole body are in. */
		while ((end = in.data != NULL ? strstr(in.data, "\r\n\r\n") : NULL) == NULL ||
		    in.len < (size_t)(end - in.data) + 4 + body_len) {
			if (end != NULL) {
				cl = strcasestr(in.data, "Content-Length:");
				body_len = cl != NULL && cl < end ? strtoul(cl + 15, NULL, 10) : 0;
				if (in.len >= (size_t)(end - in.data) + 4 + body_len)
					break;
			}
			if ((n = read(fd, chunk, sizeof(chunk))) <= 0)
				goto done;
			if (buf_append(&in, chunk, (size_t)n) != CB_OK)
				goto done;
		}
		head_len = (size_t)(end - in.data) + 4;
		cl = strcasestr(in.data, "Content-Length:");
		body_len = cl != NULL && cl < end ? strtoul(cl + 15, NULL, 10) : 0;
		{
			char *body = strndup(in.data + head_len, body_len);

			if (body == NULL)
				goto done;
			st_proxy_handle(fd, curl, body, body_len);
			free(body);
		}
		memmove(in.data, in.data + head_len + body_len, in.len - head_len - body_len);
		buf_truncate(&in, in.len - head_len - body_len);
	}
done:
	buf_free(&in);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(curl);
	close(fd);
	return NULL;
}

static void *
st_proxy_accept(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(P.fd, NULL, NULL);
		pthread_t t;

		if (c < 0) {
			if (errno == EINTR)
				continue;
			return NULL;
		}
		if (pthread_create(&t, NULL, st_proxy_conn, (void *)(intptr_t)c) != 0)
			close(c);
		else
			pthread_detach(t);
	}
}

static void
st_proxy_start(void)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	pthread_t t;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((P.fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    bind(P.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(P.fd, 16) != 0 ||
	    getsockname(P.fd, (struct sockaddr *)&sa, &sl) != 0)
		st_die("proxy socket: %s", strerror(errno));
	snprintf(T.proxy_url, sizeof(T.proxy_url), "http://127.0.0.1:%d", ntohs(sa.sin_port));
	P.max_span = 1000000;
	P.max_logs = 1000000;
	if (pthread_create(&t, NULL, st_proxy_accept, NULL) != 0)
		st_die("proxy thread");
	pthread_detach(t);
}

/* ------------------------------------------------------------- checks */

static const char *
st_lower(const char *addr, char out[41])
{
	size_t i;

	for (i = 0; i < 40; i++)
		out[i] = (char)((addr[2 + i] >= 'A' && addr[2 + i] <= 'F') ? addr[2 + i] + 32 :
		    addr[2 + i]);
	out[40] = '\0';
	return out;
}

/* The synced balance of holder in token (decimal; "0" without a row). */
static void
st_synced_balance(MYSQL *m, const char *token, const char *holder, char *out, size_t cap)
{
	char t[41], h[41];
	const char *p[2] = { st_lower(token, t), st_lower(holder, h) };

	if (!st_sql(m, "SELECT COALESCE(balance, CONCAT('raw:', HEX(balance_raw)))"
	    " FROM token_balances WHERE chain_id = 31337 AND token_address = UNHEX(?)"
	    " AND holder = UNHEX(?)", p, 2, out, cap))
		snprintf(out, cap, "0");
}

static void
st_expect_eq_u256(const char *what, const char *synced, const u256 *node)
{
	char dec[U256_DEC_MAX];

	st_u256_dec(node, dec);
	ck_assert_msg(strcmp(synced, dec) == 0, "%s: synced %s, node %s", what, synced, dec);
}

/* ---------------------------------------------------------------- cases */

#define E18(n)	n "000000000000000000"

START_TEST(test_activity_matches_node)
{
	MYSQL *m;
	char buf[256], t[41], list[512];
	u256 v;
	size_t i;

	/* One transaction, four transfers (mints). */
	snprintf(list, sizeof(list), "[%s,%s,%s,%s]", st_addr[1], st_addr[2], st_addr[3],
	    st_addr[4]);
	st_send(0, T.token, "batchMint(address[],uint256[])", list,
	    "[" E18("1000") "," E18("800") "," E18("600") "," E18("400") "]", NULL);
	st_send(1, T.token, "transfer(address,uint256)", st_addr[2], E18("100"), NULL);
	st_send(2, T.token, "transfer(address,uint256)", st_addr[3], E18("50"), NULL);
	/* Staking: approve, two stakes, a partial unstake across both. */
	st_send(1, T.token, "approve(address,uint256)", T.pool, E18("500"), NULL);
	st_send(1, T.pool, "stake(uint256)", E18("200"), NULL);
	st_send(1, T.pool, "stake(uint256)", E18("100"), NULL);
	/* An allowance spent by transferFrom (no Approval event). */
	st_send(3, T.token, "approve(address,uint256)", st_addr[2], "300", NULL);
	st_send(2, T.token, "transferFrom(address,address,uint256)", st_addr[3], st_addr[4],
	    "120", NULL);
	/* A burn. */
	snprintf(list, sizeof(list), "[%s]", st_addr[4]);
	st_send(0, T.token, "batchBurn(address[],uint256[])", list, "[7]", NULL);
	st_send(1, T.pool, "unstake(uint256)", E18("250"), NULL);
	json_object_put(st_rpc("evm_increaseTime", st_params("u", (uint64_t)7200)));
	st_send(1, T.pool, "claim()", NULL);
	st_send(3, T.token, "approve(address,uint256)", T.pool, E18("10"), NULL);
	st_send(3, T.pool, "stake(uint256)", E18("10"), NULL);
	st_send(3, T.pool, "unstake(uint256)", E18("10"), NULL);

	st_main_start();
	st_wait_synced(T.db);
	m = st_db_open(T.db);
	/* Balances of every account and the pool, and the supply. */
	for (i = 0; i <= ST_ACCOUNTS; i++) {
		const char *who = i < ST_ACCOUNTS ? st_addr[i] : T.pool;

		st_synced_balance(m, T.token, who, buf, sizeof(buf));
		st_call(T.token, "balanceOf(address)", who, NULL, &v);
		st_expect_eq_u256("balanceOf", buf, &v);
	}
	{
		const char *p[1] = { st_lower(T.token, t) };

		ck_assert(st_sql(m, "SELECT total_supply FROM token_supply WHERE chain_id = 31337"
		    " AND token_address = UNHEX(?)", p, 1, buf, sizeof(buf)));
		st_call(T.token, "totalSupply()", NULL, NULL, &v);
		st_expect_eq_u256("totalSupply", buf, &v);
	}
	/* Every allowance pair of the accounts (a missing row is zero). */
	for (i = 0; i < ST_ACCOUNTS; i++) {
		size_t k;

		for (k = 0; k <= ST_ACCOUNTS; k++) {
			const char *spender = k < ST_ACCOUNTS ? st_addr[k] : T.pool;
			char o[41], s[41];
			const char *p[3] = { st_lower(T.token, t), st_lower(st_addr[i], o),
			    st_lower(spender, s) };

			if (!st_sql(m, "SELECT value FROM allowances WHERE chain_id = 31337 AND"
			    " token_address = UNHEX(?) AND owner = UNHEX(?) AND spender = UNHEX(?)",
			    p, 3, buf, sizeof(buf)))
				snprintf(buf, sizeof(buf), "0");
			st_call(T.token, "allowance(address,address)", st_addr[i], spender, &v);
			st_expect_eq_u256("allowance", buf, &v);
		}
	}
	/* Stakes: what remains per user is stakedOf, the pool total totalStaked. */
	for (i = 1; i <= 3; i += 2) {
		char u[41], pl[41];
		const char *p[2] = { st_lower(T.pool, pl), st_lower(st_addr[i], u) };

		st_sql(m, "SELECT COALESCE(SUM(remaining), 0) FROM stakes WHERE chain_id = 31337"
		    " AND pool_address = UNHEX(?) AND user_addr = UNHEX(?)", p, 2, buf, sizeof(buf));
		st_call(T.pool, "stakedOf(address)", st_addr[i], NULL, &v);
		st_expect_eq_u256("stakedOf", buf, &v);
	}
	{
		char pl[41];
		const char *p[1] = { st_lower(T.pool, pl) };

		ck_assert(st_sql(m, "SELECT total_staked FROM staking_totals WHERE chain_id = 31337"
		    " AND pool_address = UNHEX(?)", p, 1, buf, sizeof(buf)));
		st_call(T.pool, "totalStaked()", NULL, NULL, &v);
		st_expect_eq_u256("totalStaked", buf, &v);
		/* The oldest stake went first: 200 fully, then 50 of 100. */
		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM stakes WHERE remaining = 0"
		    " AND amount = " E18("200"), NULL, 0), 1);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM stakes WHERE remaining = "
		    E18("50") " AND amount = " E18("100"), NULL, 0), 1);
	}
	/* The claim: the amount minted to the user in the claim's transaction. */
	ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM reward_claims c JOIN transfers t"
	    " ON t.chain_id = c.chain_id AND t.tx_hash = c.tx_hash AND t.from_addr = REPEAT(X'00', 20)"
	    " AND t.to_addr = c.user_addr AND t.value = c.amount AND c.amount > 0", NULL, 0), 1);
	st_call(T.pool, "accruedRewards(address)", st_addr[1], NULL, &v);
	ck_assert_msg(u256_is_zero(&v), "rewards left accrued after the claim");
	/* Transactions: each stored one is the node's. */
	{
		MYSQL_RES *res;
		MYSQL_ROW row;
		unsigned checked = 0;

		ck_assert(mysql_query(m, "SELECT LOWER(HEX(hash)), block_number, LOWER(HEX(from_addr)),"
		    " LOWER(HEX(to_addr)), value, nonce, status FROM transactions") == 0);
		ck_assert((res = mysql_store_result(m)) != NULL);
		while ((row = mysql_fetch_row(res)) != NULL) {
			struct rpc_receipt rc;
			struct rpc_tx tx;
			struct hash32 h;
			char from[41], to[41], val[U256_DEC_MAX];

			ck_assert(hex_decode_exact(h.bytes, 32, row[0], 64) == 0);
			ck_assert(rpc_eth_get_transaction_by_hash(T.rpc, &h, &tx, NULL) == CB_OK);
			ck_assert(rpc_eth_get_transaction_receipt(T.rpc, &h, &rc, NULL) == CB_OK);
			hex_encode(from, sizeof(from), tx.from.bytes, 20, false);
			hex_encode(to, sizeof(to), tx.to.bytes, 20, false);
			st_u256_dec(&tx.value, val);
			ck_assert_str_eq(row[2], from);
			/* A contract creation has no recipient. */
			if (tx.has_to)
				ck_assert_str_eq(row[3], to);
			else
				ck_assert(row[3] == NULL);
			ck_assert_str_eq(row[4], val);
			ck_assert_uint_eq(strtoull(row[1], NULL, 10), tx.block_number);
			ck_assert_uint_eq(strtoull(row[5], NULL, 10), tx.nonce);
			ck_assert(row[6] != NULL && rc.has_status &&
			    strtoull(row[6], NULL, 10) == rc.status);
			rpc_tx_clear(&tx);
			rpc_receipt_clear(&rc);
			checked++;
		}
		mysql_free_result(res);
		ck_assert_uint_ge(checked, 14);
	}
	mysql_close(m);
}
END_TEST

START_TEST(test_shapes)
{
	MYSQL *m;
	char list[512], buf[256];
	uint64_t head;

	/* Five transfers in one transaction keep five rows. */
	snprintf(list, sizeof(list), "[%s,%s,%s,%s,%s]", st_addr[1], st_addr[2], st_addr[3],
	    st_addr[4], st_addr[5]);
	st_send(0, T.token, "batchMint(address[],uint256[])", list, "[1,2,3,4,5]", NULL);
	head = st_head();
	/* Three stakes in one block, two by the same user. */
	st_send(2, T.token, "approve(address,uint256)", T.pool, E18("100"), NULL);
	st_automine(false);
	st_send_async(1, T.pool, "stake(uint256)", E18("1"), NULL);
	st_send_async(2, T.pool, "stake(uint256)", E18("2"), NULL);
	st_send_async(1, T.pool, "stake(uint256)", E18("3"), NULL);
	st_mine(1);
	st_automine(true);
	/* An ERC-721 Transfer on a tracked address; an oversize ERC-20 value. */
	st_send(0, T.e721, "emitTransfer(address,address,uint256)", st_addr[1], st_addr[2], "7",
	    NULL);
	st_send(0, T.e20, "emitTransfer(address,address,uint256)",
	    "0x0000000000000000000000000000000000000000", st_addr[5],
	    "10000000000000000000000000000000000000000000000000000000000000000000000", NULL);
	st_wait_synced(T.db);
	m = st_db_open(T.db);
	snprintf(buf, sizeof(buf), "%" PRIu64, head);
	{
		const char *p[1] = { buf };

		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM transfers WHERE block_number = ?",
		    p, 1), 5);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(DISTINCT tx_hash) FROM transfers"
		    " WHERE block_number = ?", p, 1), 1);
	}
	ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM stakes s WHERE block_number ="
	    " (SELECT MAX(block_number) FROM stakes)", NULL, 0), 3);
	ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(DISTINCT tx_hash, log_index) FROM stakes s"
	    " WHERE block_number = (SELECT MAX(block_number) FROM stakes)", NULL, 0), 3);
	{
		char a[41];
		const char *p[1] = { st_lower(T.e721, a) };

		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM logs WHERE address = UNHEX(?)"
		    " AND topic_count = 4", p, 1), 1);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM transfers"
		    " WHERE token_address = UNHEX(?)", p, 1), 0);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM token_balances"
		    " WHERE token_address = UNHEX(?)", p, 1), 0);
	}
	{
		char a[41];
		const char *p[1] = { st_lower(T.e20, a) };

		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM transfers WHERE token_address ="
		    " UNHEX(?) AND value IS NULL AND LENGTH(value_raw) = 32", p, 1), 1);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM token_balances WHERE"
		    " token_address = UNHEX(?) AND balance IS NULL AND LENGTH(balance_raw) = 32",
		    p, 1), 1);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM token_supply WHERE"
		    " token_address = UNHEX(?) AND total_supply IS NULL AND supply_raw IS NOT NULL",
		    p, 1), 1);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT oversize_values FROM sync_checkpoints",
		    NULL, 0), 1);
	}
	mysql_close(m);
	st_compare_fresh("shapes");
}
END_TEST

/* Activity in the last n blocks: empty blocks, then k transactions. */
static void
st_recent_activity(unsigned depth)
{
	unsigned k = depth < 4 ? depth : 4, i;
	char amount[24];

	if (depth > k)
		st_mine(depth - k);
	for (i = 0; i < k; i++) {
		snprintf(amount, sizeof(amount), "%u", 1000 + i);
		if (i == 1)
			st_send(1, T.pool, "stake(uint256)", amount, NULL);
		else
			st_send(2, T.token, "transfer(address,uint256)", st_addr[4], amount, NULL);
	}
}

static void
st_reorg(unsigned depth, unsigned salt)
{
	json_object *txs = json_object_new_array();
	char data[256], data2[256];

	/* Different transactions in the replacement blocks. */
	st_calldata(data, sizeof(data), "transfer(address,uint256)", st_addr[6], 77 + salt);
	st_calldata(data2, sizeof(data2), "stake(uint256)", NULL, 5 + salt);
	json_object_array_add(txs, st_reorg_tx(3, T.token, data, 0));
	if (depth > 1)
		json_object_array_add(txs, st_reorg_tx(1, T.pool, data2, depth - 1));
	json_object_put(st_rpc("anvil_reorg", st_params("uj", (uint64_t)depth, txs)));
}

START_TEST(test_reorgs)
{
	static const unsigned depths[] = { 1, 2, 5, 20, 64 };
	MYSQL *m;
	uint64_t before;
	size_t i;
	char what[64], id[80];
	json_object *snap;

	st_main_start();
	m = st_db_open(T.db);
	for (i = 0; i < sizeof(depths) / sizeof(depths[0]); i++) {
		st_recent_activity(depths[i]);
		st_wait_synced(T.db);
		before = st_sql_u64(m, "SELECT reorg_count FROM sync_checkpoints", NULL, 0);
		st_reorg(depths[i], (unsigned)i);
		st_wait_synced(T.db);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT reorg_count FROM sync_checkpoints", NULL, 0),
		    before + 1);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT last_reorg_depth FROM sync_checkpoints",
		    NULL, 0), depths[i]);
		ck_assert_uint_eq(st_sql_u64(m, "SELECT last_reorg_from_block + last_reorg_depth"
		    " - 1 = (SELECT MAX(number) FROM blocks) AND last_reorg_at IS NOT NULL"
		    " FROM sync_checkpoints", NULL, 0), 1);
		snprintf(what, sizeof(what), "anvil_reorg depth %u", depths[i]);
		st_compare_fresh(what);
	}
	/* evm_snapshot / evm_revert, then fewer and then more new blocks. */
	for (i = 0; i < 2; i++) {
		unsigned k, more = i == 0 ? 2 : 6;

		snap = st_rpc("evm_snapshot", NULL);
		snprintf(id, sizeof(id), "%s", json_object_get_string(snap));
		json_object_put(snap);
		st_recent_activity(4);
		st_wait_synced(T.db);
		json_object_put(st_rpc("evm_revert", st_params("s", id)));
		for (k = 0; k < more; k++)
			st_send(4, T.token, "transfer(address,uint256)", st_addr[5], "3", NULL);
		st_wait_synced(T.db);
		snprintf(what, sizeof(what), "evm_revert then %u blocks", more);
		st_compare_fresh(what);
	}
	mysql_close(m);
}
END_TEST

START_TEST(test_range_splitting)
{
	char *a, *b, log[PATH_MAX];
	pid_t pid;

	st_main_start();
	st_wait_synced(T.db);
	st_db_create(T.db_fresh, T.conf_proxy);
	pthread_mutex_lock(&P.mu);
	P.max_span = 7;
	P.max_logs = 8;
	P.blank_next = true;
	P.refused = P.blanked = 0;
	pthread_mutex_unlock(&P.mu);
	pid = st_daemon(T.conf_proxy, NULL, log, sizeof(log));
	st_wait_synced(T.db_fresh);
	st_stop(pid, SIGTERM);
	pthread_mutex_lock(&P.mu);
	P.max_span = P.max_logs = 1000000;
	ck_assert_uint_gt(P.refused, 0);
	ck_assert_uint_eq(P.blanked, 1);
	pthread_mutex_unlock(&P.mu);
	ck_assert(st_file_has(log, "event=sync_range_split"));
	ck_assert(st_file_has(log, "event=sync_empty_answer_refuted"));
	st_wait_synced(T.db);
	a = st_dump(T.db);
	b = st_dump(T.db_fresh);
	st_dumps_equal("through the refusing proxy", a, b);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_crashes)
{
	char log[PATH_MAX], conf[PATH_MAX], *a, *b;
	MYSQL *m;
	pid_t pid;

	/* SIGKILL inside a backfill commit (the third batch of ten blocks). */
	st_main_start();
	st_wait_synced(T.db);
	snprintf(conf, sizeof(conf), "%s/crash.conf", T.tmp);
	st_write_conf(conf, T.db_fresh, T.url, ST_FINALITY, 10);
	st_db_create(T.db_fresh, conf);
	pid = st_daemon(conf, "sync_backfill_commit@3", log, sizeof(log));
	st_wait_file(log, "event=failpoint name=");
	st_stop(pid, SIGKILL);
	m = st_db_open(T.db_fresh);
	if (st_sql_u64(m, "SELECT last_block FROM sync_checkpoints", NULL, 0) != 19) {
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "cat %s >&2", log);
		if (system(cmd) != 0)
			fprintf(stderr, "test_sync: cannot show %s\n", log);
	}
	ck_assert_uint_eq(st_sql_u64(m, "SELECT last_block FROM sync_checkpoints", NULL, 0), 19);
	ck_assert_uint_eq(st_sql_u64(m, "SELECT MAX(number) FROM blocks", NULL, 0), 19);
	mysql_close(m);
	pid = st_daemon(conf, NULL, NULL, 0);
	st_wait_synced(T.db_fresh);
	st_stop(pid, SIGTERM);
	a = st_dump(T.db);
	b = st_dump(T.db_fresh);
	st_dumps_equal("after a crash in a backfill commit", a, b);
	free(a);
	free(b);

	/* SIGKILL inside a reorg rollback. */
	st_main_stop(SIGTERM);
	pid = st_daemon(T.conf, "sync_rollback", log, sizeof(log));
	st_recent_activity(3);
	st_wait_synced(T.db);
	st_reorg(3, 40);
	st_wait_file(log, "event=failpoint name=");
	st_stop(pid, SIGKILL);
	st_main_start();
	st_wait_synced(T.db);
	st_compare_fresh("after a crash in a rollback");
}
END_TEST

/* Waits until the open (or, with resolved, the resolved) finding exists. */
static void
st_wait_issue(MYSQL *m, const char *kind, const char *subject, bool resolved)
{
	uint64_t deadline = harness_now_ms() + ST_WAIT_MS;
	const char *p[2] = { kind, subject };
	const char *sql = resolved ?
	    "SELECT COUNT(*) FROM consistency_issues WHERE kind = ? AND subject = ?"
	    " AND resolved_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM consistency_issues i"
	    " WHERE i.kind = consistency_issues.kind AND i.subject = consistency_issues.subject"
	    " AND i.resolved_at IS NULL)" :
	    "SELECT COUNT(*) FROM consistency_issues WHERE kind = ? AND subject = ?"
	    " AND resolved_at IS NULL";

	while (st_sql_u64(m, sql, p, 2) == 0) {
		if (harness_now_ms() > deadline)
			st_die("no %s finding %s for %s", resolved ? "resolved" : "open", kind, subject);
		harness_sleep_ms(100);
	}
}

START_TEST(test_reconciliation)
{
	char subject[256], t[41], h[41], before[80];
	const char *p[3];
	MYSQL *m;

	st_main_start();
	st_wait_synced(T.db);
	m = st_db_open(T.db);
	/* A bound wallet whose ledger agrees with the chain. */
	{
		u256 v;
		char dec[U256_DEC_MAX];

		st_call(T.token, "balanceOf(address)", st_addr[6], NULL, &v);
		st_u256_dec(&v, dec);
		p[0] = st_lower(st_addr[6], h);
		st_sql(m, "INSERT INTO wallets (user_id, chain_id, address) VALUES ('recon-u', 31337,"
		    " UNHEX(?))", p, 1, NULL, 0);
		p[0] = dec;
		st_sql(m, "INSERT INTO user_balances (user_id, token_id, confirmed_balance,"
		    " pending_balance) SELECT 'recon-u', id, ?, ? FROM tokens WHERE symbol = 'SYT'",
		    (const char *const[]){ dec, dec }, 2, NULL, 0);
	}
	snprintf(subject, sizeof(subject), "user:recon-u:token:0x%s", st_lower(T.token, t));
	/* Tokens arrive outside the ledger: drift. */
	st_send(1, T.token, "transfer(address,uint256)", st_addr[6], "42", NULL);
	st_wait_issue(m, "ledger", subject, false);
	ck_assert_uint_ge(st_sql_u64(m, "SELECT COALESCE(SUM(value), 0) FROM chain_daemon_counters"
	    " WHERE name = 'consistency_mismatches' AND label = 'ledger'", NULL, 0) +
	    /* the counter is flushed with the next heartbeat */
	    (harness_sleep_ms(1500), 0), 0);
	ck_assert_uint_ge(st_sql_u64(m, "SELECT COALESCE(SUM(value), 0) FROM chain_daemon_counters"
	    " WHERE name = 'consistency_mismatches' AND label = 'ledger'", NULL, 0), 1);
	/* They go back: ledger and chain agree again. */
	st_send(6, T.token, "transfer(address,uint256)", st_addr[1], "42", NULL);
	st_wait_issue(m, "ledger", subject, true);

	/* A synced balance that differs from balanceOf is found and resolved. */
	p[0] = st_lower(T.token, t);
	p[1] = st_lower(st_addr[2], h);
	st_main_stop(SIGTERM);
	ck_assert(st_sql(m, "SELECT balance FROM token_balances WHERE token_address = UNHEX(?)"
	    " AND holder = UNHEX(?)", p, 2, before, sizeof(before)));
	st_sql(m, "UPDATE token_balances SET balance = balance + 1 WHERE token_address = UNHEX(?)"
	    " AND holder = UNHEX(?)", p, 2, NULL, 0);
	st_main_start();
	snprintf(subject, sizeof(subject), "token:0x%s:holder:0x%s", t, h);
	st_wait_issue(m, "token_balance", subject, false);
	st_main_stop(SIGTERM);
	st_sql(m, "UPDATE token_balances SET balance = balance - 1 WHERE token_address = UNHEX(?)"
	    " AND holder = UNHEX(?)", p, 2, NULL, 0);
	st_main_start();
	st_wait_issue(m, "token_balance", subject, true);

	/* A reorg missed while the daemon was down: the checker finds the
	 * stored hash the node no longer has, the syncer rolls back. */
	st_main_stop(SIGTERM);
	st_sql(m, "UPDATE blocks SET hash = UNHEX(SHA2('missed', 256)) WHERE number ="
	    " (SELECT last_block - 3 FROM sync_checkpoints)", NULL, 0, NULL, 0);
	st_main_start();
	harness_sleep_ms(1000);
	st_wait_synced(T.db);
	ck_assert_uint_eq(st_sql_u64(m, "SELECT COUNT(*) FROM blocks WHERE hash ="
	    " UNHEX(SHA2('missed', 256))", NULL, 0), 0);
	mysql_close(m);
	st_compare_fresh("after a reorg found by the checker");
}
END_TEST

START_TEST(test_reorg_below_finality_halts)
{
	char log[PATH_MAX], *a, *b;
	uint64_t deadline;
	MYSQL *m;
	pid_t pid;
	struct hresp r;

	/* A daemon with a finality depth of 3 prunes undo down to head - 3. */
	st_main_stop(SIGTERM);
	pid = st_daemon(T.conf_shallow, NULL, log, sizeof(log));
	st_recent_activity(8);
	st_wait_synced(T.db);
	harness_sleep_ms(500);
	a = st_dump(T.db);
	st_reorg(5, 90);
	m = st_db_open(T.db);
	deadline = harness_now_ms() + ST_WAIT_MS;
	while (st_sql_u64(m, "SELECT halted FROM sync_checkpoints", NULL, 0) != 1) {
		if (harness_now_ms() > deadline)
			st_die("the syncer did not halt");
		harness_sleep_ms(100);
	}
	harness_sleep_ms(1000);
	b = st_dump(T.db);
	st_dumps_equal("a halted syncer changes nothing", a, b);
	free(a);
	free(b);
	ck_assert(st_file_has(log, "event=sync_halted"));
	{
		char reason[256];

		ck_assert(st_sql(m, "SELECT halt_reason FROM sync_checkpoints", NULL, 0, reason,
		    sizeof(reason)));
		ck_assert_msg(strstr(reason, "reorg below finality") != NULL, "reason: %s", reason);
	}
	st_stop(pid, SIGTERM);
	mysql_close(m);

	/* /healthz answers 503 for a chain whose syncer halted. */
	hdb_exec("INSERT INTO sync_checkpoints (chain_id) VALUES (31337)"
	    " ON DUPLICATE KEY UPDATE chain_id = chain_id");
	hdb_exec("UPDATE sync_checkpoints SET halted = TRUE, halt_reason = 'test: reorg below"
	    " finality' WHERE chain_id = 31337");
	ck_assert(hget("/healthz", NULL, &r) == 0);
	hdb_exec("UPDATE sync_checkpoints SET halted = FALSE, halt_reason = NULL"
	    " WHERE chain_id = 31337");
	ck_assert_int_eq(r.status, 503);
	ck_assert(strstr(r.body, "\"sync_halted\":true") != NULL);
	hresp_free(&r);
	ck_assert(hget("/healthz", NULL, &r) == 0);
	ck_assert_int_eq(r.status, 200);
	hresp_free(&r);
}
END_TEST

/* ------------------------------------------------------- the read routes */

/* On the stack's chain: anvil's development accounts 2 and 3, which no
 * other test of the stack uses (test_verify's reverting claim relies on
 * its account having no stake). */
#define st_a7	st_addr[2]
#define st_k7	st_key[2]
#define st_a8	st_addr[3]

/* cast send on url with key: to sig args (NULL-terminated); the
 * transaction hash into hash (67 bytes) when not NULL. */
static void
st_send_on(const char *url, const char *key, char *hash, const char *to, const char *sig, ...)
{
	const char *argv[32];
	char out[16384];
	size_t n = 0;
	va_list ap;
	const char *arg;
	json_object *o, *v;

	argv[n++] = T.cast;
	argv[n++] = "send";
	argv[n++] = "--json";
	argv[n++] = "--rpc-url";
	argv[n++] = url;
	argv[n++] = "--private-key";
	argv[n++] = key;
	/* cast's estimate is made against one block and the transaction
	 * may run in a later one, where it needs more (a stake's reward
	 * accrued meanwhile is a new storage slot): a fixed limit well
	 * above what these calls use never runs out. */
	argv[n++] = "--gas-limit";
	argv[n++] = "2000000";
	argv[n++] = to;
	argv[n++] = sig;
	va_start(ap, sig);
	while ((arg = va_arg(ap, const char *)) != NULL && n + 2 < sizeof(argv) / sizeof(argv[0]))
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;
	st_run(argv, out, sizeof(out));
	if ((o = json_tokener_parse(out)) == NULL ||
	    !json_object_object_get_ex(o, "status", &v) ||
	    strcmp(json_object_get_string(v), "0x1") != 0)
		st_die("transaction failed: %.300s", out);
	if (hash != NULL && json_object_object_get_ex(o, "transactionHash", &v))
		snprintf(hash, 67, "%s", json_object_get_string(v));
	json_object_put(o);
}

/* GET path with the stack's key; the answer must be 200 JSON. */
static void
st_api(const char *path, struct hresp *r)
{
	ck_assert_msg(hget(path, harness_env()->api_key, r) == 0, "GET %s failed", path);
	ck_assert_msg(r->status == 200 && r->json != NULL, "GET %s: %ld %.300s", path, r->status,
	    r->body);
}

static const char *
st_jstr(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

static uint64_t
st_jnum(json_object *o, const char *key)
{
	const char *s = st_jstr(o, key);

	return s != NULL ? strtoull(s, NULL, 10) : 0;
}

/* A route's decimal string against the node's value. */
static void
st_expect_route(const char *what, const char *route_value, const u256 *node)
{
	char dec[U256_DEC_MAX];

	st_u256_dec(node, dec);
	ck_assert_msg(route_value != NULL && strcmp(route_value, dec) == 0, "%s: route %s, node %s",
	    what, route_value != NULL ? route_value : "(none)", dec);
}

/*
 * The stack's own pipeline: its daemon syncs its anvil into its store and
 * the API's read routes answer from there; every answer equals what the
 * node says at the block the route names.
 */
START_TEST(test_routes_match_node)
{
	const char *cpop = harness_getenv("CPOP_ADDRESS"), *pool = harness_getenv("STAKING_ADDRESS");
	const char *url = harness_getenv("ETH_RPC_URL");
	struct rpc_client *rpc;
	struct rpc_block_ref at = { RPC_BLOCK_NUMBER, 0 };
	char list[256], stake_tx[67], path[512];
	uint64_t want, deadline, block = 0;
	struct hresp r;
	u256 v;

	ck_assert(cpop != NULL && pool != NULL && url != NULL);
	ck_assert((rpc = rpc_client_new(url, NULL)) != NULL);
	/* The stack's daemon is stopped (st_setup): the signer's sends do not
	 * race its nonces. */
	snprintf(list, sizeof(list), "[%s,%s]", st_a7, st_a8);
	st_send_on(url, st_key[0], NULL, cpop, "batchMint(address[],uint256[])", list,
	    "[" E18("1000") "," E18("500") "]", NULL);
	st_send_on(url, st_k7, NULL, cpop, "transfer(address,uint256)", st_a8, "12345", NULL);
	st_send_on(url, st_k7, NULL, cpop, "approve(address,uint256)", pool, E18("300"), NULL);
	st_send_on(url, st_k7, stake_tx, pool, "stake(uint256)", E18("200"), NULL);
	st_send_on(url, st_k7, NULL, pool, "stake(uint256)", E18("50"), NULL);
	st_send_on(url, st_k7, NULL, pool, "unstake(uint256)", E18("100"), NULL);
	/* Blocks mined in the same second share a timestamp: let a minute pass
	 * so that the claim has something to pay. */
	{
		struct rpc_error err;
		json_object *res = NULL, *p = st_params("u", (uint64_t)60);

		if (rpc_call(rpc, "evm_increaseTime", p, &res, &err) != CB_OK)
			st_die("evm_increaseTime: %s", err.message);
		json_object_put(res);
		json_object_put(p);
	}
	st_send_on(url, st_k7, NULL, pool, "claim()", NULL);
	if (rpc_eth_block_number(rpc, &want, NULL) != CB_OK)
		st_die("eth_blockNumber on the stack's anvil");
	harness_chaind_start();
	deadline = harness_now_ms() + ST_WAIT_MS;
	for (;;) {
		st_api("/api/v1/chains/31337/status", &r);
		block = st_jnum(r.json, "synced_block");
		ck_assert_str_eq(st_jstr(r.json, "halted"), "false");
		hresp_free(&r);
		if (block >= want)
			break;
		if (harness_now_ms() > deadline)
			st_die("the stack's daemon did not reach block %" PRIu64, want);
		harness_sleep_ms(200);
	}

	st_api("/api/v1/tokens/CPOP/supply", &r);
	at.number = st_jnum(r.json, "block");
	st_call_at(rpc, at, cpop, "totalSupply()", NULL, NULL, &v);
	st_expect_route("supply", st_jstr(r.json, "total_supply_raw"), &v);
	hresp_free(&r);
	{
		const char *who[] = { st_a7, st_a8, pool };
		size_t i;

		for (i = 0; i < 3; i++) {
			snprintf(path, sizeof(path), "/api/v1/tokens/CPOP/balances/%s", who[i]);
			st_api(path, &r);
			at.number = st_jnum(r.json, "block");
			st_call_at(rpc, at, cpop, "balanceOf(address)", who[i], NULL, &v);
			st_expect_route("balance", st_jstr(r.json, "balance_raw"), &v);
			hresp_free(&r);
		}
	}
	/* The pool spent part of the allowance without an Approval event. */
	snprintf(path, sizeof(path), "/api/v1/tokens/CPOP/allowances/%s/%s", st_a7, pool);
	st_api(path, &r);
	at.number = st_jnum(r.json, "block");
	st_call_at(rpc, at, cpop, "allowance(address,address)", st_a7, pool, &v);
	st_expect_route("allowance", st_jstr(r.json, "allowance_raw"), &v);
	ck_assert_str_eq(st_jstr(r.json, "allowance_raw"), E18("50"));
	hresp_free(&r);
	/* Staking: the pool's total, the user's stakes, rewards, claims. */
	st_api("/api/v1/staking/31337/total", &r);
	{
		json_object *pools = NULL, *p0;

		at.number = st_jnum(r.json, "block");
		ck_assert(json_object_object_get_ex(r.json, "pools", &pools));
		ck_assert_uint_ge(json_object_array_length(pools), 1);
		p0 = json_object_array_get_idx(pools, 0);
		st_call_at(rpc, at, pool, "totalStaked()", NULL, NULL, &v);
		st_expect_route("total staked", st_jstr(p0, "total_staked_raw"), &v);
	}
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/31337/users/%s/rewards", st_a7);
	st_api(path, &r);
	{
		json_object *rewards = NULL, *r0;

		at.number = st_jnum(r.json, "block");
		ck_assert(json_object_object_get_ex(r.json, "rewards", &rewards));
		r0 = json_object_array_get_idx(rewards, 0);
		st_call_at(rpc, at, pool, "earned(address)", st_a7, NULL, &v);
		st_expect_route("earned", st_jstr(r0, "earned_raw"), &v);
		st_call_at(rpc, at, pool, "stakedOf(address)", st_a7, NULL, &v);
		st_expect_route("staked", st_jstr(r0, "staked_raw"), &v);
	}
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/31337/users/%s/stakes?active=true", st_a7);
	st_api(path, &r);
	{
		json_object *stakes = NULL;
		u256 sum, x;
		size_t i;

		u256_zero(&sum);
		ck_assert(json_object_object_get_ex(r.json, "stakes", &stakes));
		for (i = 0; i < json_object_array_length(stakes); i++) {
			const char *rem = st_jstr(json_object_array_get_idx(stakes, i),
			    "remaining_raw");

			ck_assert(rem != NULL && u256_from_dec(&x, rem, strlen(rem)) == 0);
			ck_assert(u256_add(&sum, &sum, &x) == 0);
		}
		at.number = block;
		st_call_at(rpc, at, pool, "stakedOf(address)", st_a7, NULL, &v);
		ck_assert_int_eq(u256_cmp(&sum, &v), 0);
	}
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/staking/31337/users/%s/claims", st_a7);
	st_api(path, &r);
	{
		json_object *claims = NULL;

		ck_assert(json_object_object_get_ex(r.json, "claims", &claims));
		ck_assert_uint_ge(json_object_array_length(claims), 1);
		ck_assert(st_jstr(json_object_array_get_idx(claims, 0), "timestamp") != NULL);
	}
	hresp_free(&r);
	/* A transaction and its block. */
	snprintf(path, sizeof(path), "/api/v1/chains/31337/transactions/%s", stake_tx);
	st_api(path, &r);
	{
		struct hash32 h;
		struct rpc_tx tx;
		char from[43], blk[96];
		const char *bh;

		ck_assert(hex_decode_exact(h.bytes, 32, stake_tx + 2, 64) == 0);
		ck_assert(rpc_eth_get_transaction_by_hash(rpc, &h, &tx, NULL) == CB_OK);
		address_to_checksum(&tx.from, from);
		ck_assert_str_eq(st_jstr(r.json, "from"), from);
		ck_assert_uint_eq(st_jnum(r.json, "nonce"), tx.nonce);
		ck_assert_uint_eq(st_jnum(r.json, "block"), tx.block_number);
		ck_assert_str_eq(st_jstr(r.json, "status"), "success");
		bh = st_jstr(r.json, "block_hash");
		ck_assert(bh != NULL);
		snprintf(blk, sizeof(blk), "/api/v1/chains/31337/blocks/%" PRIu64, tx.block_number);
		hresp_free(&r);
		st_api(blk, &r);
		{
			char hex[67];

			hex_encode(hex, sizeof(hex), tx.block_hash.bytes, 32, true);
			ck_assert_str_eq(st_jstr(r.json, "hash"), hex);
		}
		rpc_tx_clear(&tx);
	}
	hresp_free(&r);
	snprintf(path, sizeof(path), "/api/v1/tokens/CPOP/transfers?address=%s", st_a8);
	st_api(path, &r);
	{
		json_object *transfers = NULL;
		size_t i;
		bool found = false;

		ck_assert(json_object_object_get_ex(r.json, "transfers", &transfers));
		for (i = 0; i < json_object_array_length(transfers); i++) {
			json_object *t = json_object_array_get_idx(transfers, i);

			if (strcmp(st_jstr(t, "value_raw"), "12345") == 0 &&
			    strcasecmp(st_jstr(t, "from"), st_a7) == 0)
				found = true;
		}
		ck_assert(found);
	}
	hresp_free(&r);
	/* Back as the program found it: the stack's daemon stopped. */
	harness_chaind_stop();
	rpc_client_free(rpc);
}
END_TEST

int
main(void)
{
	Suite *s;
	SRunner *sr;
	TCase *tc;
	int failed;

	harness_require_stack();
	harness_exclusive();
	st_setup();
	s = suite_create("sync");
	tc = tcase_create("sync");
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_activity_matches_node);
	tcase_add_test(tc, test_shapes);
	tcase_add_test(tc, test_reorgs);
	tcase_add_test(tc, test_range_splitting);
	tcase_add_test(tc, test_crashes);
	tcase_add_test(tc, test_reconciliation);
	tcase_add_test(tc, test_reorg_below_finality_halts);
	tcase_add_test(tc, test_routes_match_node);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	st_cleanup();
	return failed == 0 ? 0 : 1;
}
