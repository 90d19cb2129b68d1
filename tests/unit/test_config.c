/* test_config.c - Check suite for the INI configuration loader (conf.c). */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/conf.h"

/* Each test works in its own temporary directory, removed afterwards. */
static char	 tmpdir[256];
static char	 files[32][512];
static size_t	 nfiles;

static void
setup(void)
{
	const char	*base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/cbconf.XXXXXX",
	    base != NULL && base[0] == '/' ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	nfiles = 0;
}

static void
teardown(void)
{
	size_t	 i;

	for (i = 0; i < nfiles; i++)
		unlink(files[i]);
	rmdir(tmpdir);
	unsetenv("CREDENTIALS_DIRECTORY");
}

/* Writes len bytes to tmpdir/name with mode; returns the path (static). */
static const char *
write_file(const char *name, const char *data, size_t len, mode_t mode)
{
	char	*path;
	int	 fd;

	ck_assert_uint_lt(nfiles, sizeof(files) / sizeof(files[0]));
	path = files[nfiles++];
	snprintf(path, sizeof(files[0]), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return path;
}

static const char *
write_conf(const char *text)
{
	return write_file("chainbridge.conf", text, strlen(text), 0644);
}

#define DB	"[database]\nname = cb\nuser = cbuser\n"

/* Error cases: config text and the message after the file name. */
static const struct {
	const char	*text;
	const char	*msg;
} bad_cases[] = {
	{ DB "[bogus]\nx = 1\n", ":4: unknown section [bogus]" },
	{ DB "[Database]\n", ":4: unknown section [Database]" },
	{ DB "foo = 1\n", ":4: foo: unknown key in [database]" },
	{ DB "[api]\nworker = 1\n", ":5: worker: unknown key in [api]" },
	{ "name = cb\n" DB, ":1: name: key outside any section" },
	{ DB "[api]\nworkers = 4x\n",
	  ":5: workers: not an unsigned decimal number" },
	{ DB "[api]\nworkers = -1\n",
	  ":5: workers: not an unsigned decimal number" },
	{ DB "[api]\nworkers = +4\n",
	  ":5: workers: not an unsigned decimal number" },
	{ DB "[api]\nworkers = 0x10\n",
	  ":5: workers: not an unsigned decimal number" },
	{ DB "[api]\nworkers = 4 4\n",
	  ":5: workers: not an unsigned decimal number" },
	{ DB "[api]\nworkers = 0\n", ":5: workers: must be between 1 and 256" },
	{ DB "[api]\nworkers = 257\n",
	  ":5: workers: must be between 1 and 256" },
	/* Limits the store can hold (core/conf.h): TEXT, JSON nesting,
	 * MEDIUMTEXT; the edge's timeout; a day of idempotency. */
	{ DB "[api]\nmax_rows = 37001\n",
	  ":5: max_rows: must be between 1 and 37000" },
	{ DB "[api]\nmax_reason_detail = 65536\n",
	  ":5: max_reason_detail: must be between 1 and 65535" },
	{ DB "[api]\nmax_json_depth = 33\n",
	  ":5: max_json_depth: must be between 2 and 32" },
	{ DB "[api]\nwrite_timeout_ms = 999\n",
	  ":5: write_timeout_ms: must be between 1000 and 30000" },
	{ DB "[api]\nwrite_timeout_ms = 30001\n",
	  ":5: write_timeout_ms: must be between 1000 and 30000" },
	{ DB "[api]\nidempotency_retention = 86399\n",
	  ":5: idempotency_retention: must be between 86400 and 31536000" },
	{ DB "[api]\nidempotency_retention = 31536001\n",
	  ":5: idempotency_retention: must be between 86400 and 31536000" },
	{ DB "[api]\nworkers = 99999999999999999999999\n",
	  ":5: workers: not an unsigned decimal number" },
	{ DB "port = 65536\n", ":4: port: must be between 1 and 65535" },
	{ DB "port =\n", ":4: port: not an unsigned decimal number" },
	{ DB "host =\n", ":4: host: empty value" },
	{ DB "host = a\x01" "b\n", ":4: host: control character in value" },
	{ DB "socket = run/db.sock\n", ":4: socket: must be an absolute path" },
	{ DB "socket = /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  ":4: socket: longer than 107 bytes" },
	{ DB "password_file = secret.txt\n",
	  ":4: password_file: must be an absolute path (or a name under "
	  "$CREDENTIALS_DIRECTORY)" },
	{ DB "name = other\n", ":4: name: set twice (first at line 2)" },
	{ "[database]\nname = cb\n", ":1: [database] user: required key "
	  "missing" },
	{ "[api]\nworkers = 2\n", ": [database] name: required key missing" },
	{ "", ": [database] name: required key missing" },
	{ DB "[log]\nlevel = verbose\n",
	  ":5: level: must be debug, info, warn or error" },
	{ DB "[log]\nformat = text\n", ":5: format: must be kv or json" },
	{ DB "[api]\n[api]\n", ":5: section [api] repeated (first at line 4)" },
	{ DB "[database]\n",
	  ":4: section [database] repeated (first at line 1)" },
	{ DB "[api\n", ":4: section header without ']'" },
	{ DB "[api] x\n", ":4: text after section header" },
	{ DB "[api] ; comment\nworkers = 2\n[api]\n",
	  ":6: section [api] repeated (first at line 4)" },
	{ DB "junk\n", ":4: syntax error" },
	{ DB "  workers = 2\n", ":4: indented line (continuation lines are "
	  "not supported)" },
	/* chains */
	{ DB "[chain Main]\n", ":4: bad chain section name (want [chain "
	  "NAME], NAME 1-32 of a-z 0-9 _ -)" },
	{ DB "[chain ]\n", ":4: bad chain section name (want [chain NAME], "
	  "NAME 1-32 of a-z 0-9 _ -)" },
	{ DB "[chain]\n", ":4: bad chain section name (want [chain NAME], "
	  "NAME 1-32 of a-z 0-9 _ -)" },
	{ DB "[chain abcdefghijklmnopqrstuvwxyz0123456]\n",
	  ":4: bad chain section name (want [chain NAME], NAME 1-32 of a-z "
	  "0-9 _ -)" },
	{ DB "[chain main]\nrpc_url = http://n:8545\n",
	  ":4: [chain main] chain_id: required key missing" },
	{ DB "[chain main]\nchain_id = 1\n",
	  ":4: [chain main] rpc_url: required key missing" },
	{ DB "[chain main]\nchain_id = 0\n",
	  ":5: chain_id: must be between 1 and 9007199254740991" },
	{ DB "[chain main]\nrpc_url = ftp://node\n",
	  ":5: rpc_url: must be an http:// or https:// URL" },
	{ DB "[chain main]\nrpc_url = http://\n",
	  ":5: rpc_url: must be an http:// or https:// URL" },
	{ DB "[chain main]\nrpc_url = https:///x\n",
	  ":5: rpc_url: must be an http:// or https:// URL" },
	{ DB "[chain main]\nrpc_url = http://a b\n",
	  ":5: rpc_url: space in URL" },
	{ DB "[chain main]\nenabled = maybe\n",
	  ":5: enabled: must be true, false, yes, no, 1 or 0" },
	{ DB "[chain main]\nenabled = TRUE\n",
	  ":5: enabled: must be true, false, yes, no, 1 or 0" },
	{ DB "[chain main]\nfinality = latest\n",
	  ":5: finality: must be depth, safe or finalized" },
	{ DB "[chain main]\nfee_bump_percent = 9\n",
	  ":5: fee_bump_percent: must be between 10 and 1000" },
	{ DB "[chain main]\nkey = x\n", ":5: key: unknown key in [chain main]" },
	{ DB "[chain a]\nchain_id = 1\nrpc_url = http://a\n"
	  "[chain b]\nchain_id = 1\nrpc_url = http://b\n",
	  ":8: chain_id: same as in [chain a]" },
	{ DB "[chain a]\nchain_id = 1\nrpc_url = http://a\n[chain a]\n",
	  ":7: section [chain a] repeated (first at line 4)" },
};

START_TEST(test_bad)
{
	const char	*path = write_conf(bad_cases[_i].text);
	char		 err[512], want[1024];
	struct config	*cfg;

	memset(err, 'X', sizeof(err));
	cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg == NULL, "case %d loaded", _i);
	snprintf(want, sizeof(want), "%s%s", path, bad_cases[_i].msg);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_too_many_chains)
{
	char		 text[8192], err[512], want[1024];
	const char	*path;
	size_t		 len;
	int		 i;

	len = (size_t)snprintf(text, sizeof(text), "%s", DB);
	for (i = 0; i <= CONFIG_MAX_CHAINS; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "[chain c%d]\nchain_id = %d\nrpc_url = http://n%d\n",
		    i, i + 1, i);
	path = write_conf(text);
	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:%d: more than %d chain sections",
	    path, 4 + 3 * CONFIG_MAX_CHAINS, CONFIG_MAX_CHAINS);
	ck_assert_str_eq(err, want);

	/* Exactly the maximum is fine. */
	text[0] = '\0';
	len = (size_t)snprintf(text, sizeof(text), "%s", DB);
	for (i = 0; i < CONFIG_MAX_CHAINS; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "[chain c%d]\nchain_id = %d\nrpc_url = http://n%d\n",
		    i, i + 1, i);
	unlink(path);
	nfiles--;
	path = write_conf(text);
	struct config *cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_uint_eq(cfg->nchains, CONFIG_MAX_CHAINS);
	ck_assert_str_eq(cfg->chains[15].name, "c15");
	config_free(cfg);
}
END_TEST

START_TEST(test_long_line)
{
	char		 text[600], err[512], want[1024];
	const char	*path;

	memset(text, 'a', sizeof(text));
	memcpy(text, DB "host = ", strlen(DB "host = "));
	memcpy(text + sizeof(text) - 2, "\n", 2);
	path = write_conf(text);
	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:4: line longer than ", path);
	ck_assert_int_eq(strncmp(err, want, strlen(want)), 0);

	/* CONFIG_LINE_MAX itself is accepted. */
	memset(text, 'a', sizeof(text));
	memcpy(text, DB "host = ", strlen(DB "host = "));
	memcpy(text + strlen(DB) + CONFIG_LINE_MAX, "\r\n", 3);
	unlink(path);
	nfiles--;
	path = write_conf(text);
	struct config *cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_uint_eq(strlen(cfg->db.host), CONFIG_LINE_MAX - 7);
	config_free(cfg);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char	 text[] = DB "host = a\0b\n";
	const char		*path;
	char			 err[512], want[1024];

	path = write_file("nul.conf", text, sizeof(text) - 1, 0644);
	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:4: NUL byte", path);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_missing_file)
{
	char	 err[512], want[1024];

	snprintf(want, sizeof(want), "%s/none.conf", tmpdir);
	ck_assert_ptr_null(config_load(want, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "none.conf: No such file"));
	/* errbuf may be NULL */
	ck_assert_ptr_null(config_load(want, NULL, 0));
}
END_TEST

START_TEST(test_defaults)
{
	const char		*path = write_conf(DB "[chain main]\n"
	    "chain_id = 1\nrpc_url = http://127.0.0.1:8545\n");
	char			 err[512];
	struct config		*cfg;
	const struct chain_config *ch;

	cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->path, path);
	ck_assert_str_eq(cfg->db.host, "127.0.0.1");
	ck_assert_uint_eq(cfg->db.port, 3306);
	ck_assert_ptr_null(cfg->db.socket);
	ck_assert_str_eq(cfg->db.name, "cb");
	ck_assert_str_eq(cfg->db.user, "cbuser");
	ck_assert_ptr_null(cfg->db.password_file);
	ck_assert_ptr_null(cfg->db.password);
	ck_assert_uint_eq(cfg->db.connect_timeout, 5);
	ck_assert_uint_eq(cfg->db.read_timeout, 30);
	ck_assert_uint_eq(cfg->db.write_timeout, 30);
	ck_assert_uint_eq(cfg->db.retries, 5);
	ck_assert_str_eq(cfg->api.socket, "/run/chainbridge/api.sock");
	ck_assert_uint_eq(cfg->api.workers, 4);
	ck_assert_uint_eq(cfg->api.max_body, 1048576);
	ck_assert_uint_eq(cfg->api.max_rows, 1000);
	ck_assert_uint_eq(cfg->api.max_reason_detail, 1024);
	ck_assert_uint_eq(cfg->api.max_metadata, 4096);
	ck_assert_uint_eq(cfg->api.max_json_depth, 16);
	ck_assert_uint_eq(cfg->api.shutdown_timeout, 10);
	ck_assert_uint_eq(cfg->api.history_max_limit, 200);
	ck_assert_uint_eq(cfg->api.write_timeout_ms, 15000);
	ck_assert_uint_eq(cfg->api.idempotency_retention, 86400);
	ck_assert_int_eq(cfg->log.level, LOG_LEVEL_INFO);
	ck_assert_int_eq(cfg->log.format, LOG_FORMAT_KV);
	ck_assert_uint_eq(cfg->nchains, 1);
	ch = config_chain(cfg, "main");
	ck_assert_ptr_eq(ch, &cfg->chains[0]);
	ck_assert_str_eq(ch->name, "main");
	ck_assert(ch->chain_id == 1);
	ck_assert_str_eq(ch->rpc_url, "http://127.0.0.1:8545");
	ck_assert_ptr_null(ch->key_file);
	ck_assert_uint_eq(ch->confirmations, 2);
	ck_assert_int_eq(ch->finality, CONFIG_FINALITY_DEPTH);
	ck_assert_uint_eq(ch->finality_depth, 64);
	ck_assert_uint_eq(ch->poll_interval_ms, 2000);
	ck_assert_uint_eq(ch->rpc_timeout_ms, 10000);
	ck_assert_uint_eq(ch->log_range, 2000);
	ck_assert(ch->max_gas_per_tx == 15000000);
	ck_assert_uint_eq(ch->replace_after, 120);
	ck_assert_uint_eq(ch->fee_bump_percent, 12);
	ck_assert(ch->max_fee_gwei == 500);
	ck_assert(ch->start_block == 0);
	ck_assert(!ch->sync_all_transactions);
	ck_assert(ch->enabled);
	ck_assert_ptr_null(config_chain(cfg, "other"));
	config_free(cfg);
	config_free(NULL);
}
END_TEST

START_TEST(test_full)
{
	char			 text[4096], err[512], keypath[600];
	const char		*path, *pw;
	struct config		*cfg;
	const struct chain_config *a, *b;

	pw = write_file("db.pw", "s3cret pass\r\n", 13, 0600);
	snprintf(keypath, sizeof(keypath), "%s/signer.key", tmpdir);
	snprintf(text, sizeof(text),
	    "\xef\xbb\xbf; chainbridge test configuration\r\n"
	    "# another comment\r\n"
	    "\r\n"
	    "[database]\r\n"
	    "host = db.example\r\n"
	    "port = 3307\r\n"
	    "socket = /run/mysqld/mysqld.sock\r\n"
	    "name = chainbridge\r\n"
	    "user = cb\r\n"
	    "password_file = %s\r\n"
	    "connect_timeout = 7\r\n"
	    "read_timeout = 60\r\n"
	    "write_timeout = 61\r\n"
	    "retries = 0\r\n"
	    "[api]\n"
	    "socket = /tmp/api.sock\n"
	    "workers = 256 ; the maximum\n"
	    "max_body = 2097152\n"
	    "max_rows = 37000\n"
	    "max_reason_detail = 10\n"
	    "max_metadata = 100\n"
	    "max_json_depth = 8\n"
	    "shutdown_timeout = 0\n"
	    "history_max_limit = 50\n"
	    "write_timeout_ms = 30000\n"
	    "idempotency_retention = 604800\n"
	    "[log]\n"
	    "level = debug\n"
	    "format = json\n"
	    "[chain mainnet]\n"
	    "chain_id = 1\n"
	    "rpc_url = https://rpc.example/v1\n"
	    "key_file = %s\n"
	    "confirmations = 12\n"
	    "finality = finalized\n"
	    "finality_depth = 100\n"
	    "poll_interval_ms = 12000\n"
	    "rpc_timeout_ms = 30000\n"
	    "log_range = 500\n"
	    "max_gas_per_tx = 30000000\n"
	    "replace_after = 300\n"
	    "fee_bump_percent = 10\n"
	    "max_fee_gwei = 1000\n"
	    "start_block = 18000000\n"
	    "sync_all_transactions = yes\n"
	    "enabled = 0\n"
	    "[chain l2_test-1]\n"
	    "chain_id: 9007199254740991\n"
	    "rpc_url = http://10.0.0.1:8545\n"
	    "finality = safe\n"
	    "sync_all_transactions = 1\n"
	    "enabled = no\n", pw, keypath);
	path = write_conf(text);
	cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->db.host, "db.example");
	ck_assert_uint_eq(cfg->db.port, 3307);
	ck_assert_str_eq(cfg->db.socket, "/run/mysqld/mysqld.sock");
	ck_assert_str_eq(cfg->db.name, "chainbridge");
	ck_assert_str_eq(cfg->db.password_file, pw);
	ck_assert_str_eq(cfg->db.password, "s3cret pass");
	ck_assert_uint_eq(cfg->db.password_len, 11);
	ck_assert_uint_eq(cfg->db.connect_timeout, 7);
	ck_assert_uint_eq(cfg->db.read_timeout, 60);
	ck_assert_uint_eq(cfg->db.write_timeout, 61);
	ck_assert_uint_eq(cfg->db.retries, 0);
	ck_assert_str_eq(cfg->api.socket, "/tmp/api.sock");
	ck_assert_uint_eq(cfg->api.workers, 256);
	ck_assert_uint_eq(cfg->api.max_body, 2097152);
	ck_assert_uint_eq(cfg->api.max_rows, 37000);
	ck_assert_uint_eq(cfg->api.max_reason_detail, 10);
	ck_assert_uint_eq(cfg->api.max_metadata, 100);
	ck_assert_uint_eq(cfg->api.max_json_depth, 8);
	ck_assert_uint_eq(cfg->api.shutdown_timeout, 0);
	ck_assert_uint_eq(cfg->api.history_max_limit, 50);
	ck_assert_uint_eq(cfg->api.write_timeout_ms, 30000);
	ck_assert_uint_eq(cfg->api.idempotency_retention, 604800);
	ck_assert_int_eq(cfg->log.level, LOG_LEVEL_DEBUG);
	ck_assert_int_eq(cfg->log.format, LOG_FORMAT_JSON);
	ck_assert_uint_eq(cfg->nchains, 2);
	a = config_chain(cfg, "mainnet");
	b = config_chain(cfg, "l2_test-1");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(a->chain_id == 1);
	ck_assert_str_eq(a->rpc_url, "https://rpc.example/v1");
	ck_assert_str_eq(a->key_file, keypath);
	ck_assert_uint_eq(a->confirmations, 12);
	ck_assert_int_eq(a->finality, CONFIG_FINALITY_FINALIZED);
	ck_assert_uint_eq(a->finality_depth, 100);
	ck_assert_uint_eq(a->poll_interval_ms, 12000);
	ck_assert_uint_eq(a->rpc_timeout_ms, 30000);
	ck_assert_uint_eq(a->log_range, 500);
	ck_assert(a->max_gas_per_tx == 30000000);
	ck_assert_uint_eq(a->replace_after, 300);
	ck_assert_uint_eq(a->fee_bump_percent, 10);
	ck_assert(a->max_fee_gwei == 1000);
	ck_assert(a->start_block == 18000000);
	ck_assert(a->sync_all_transactions);
	ck_assert(!a->enabled);
	ck_assert(b->chain_id == 9007199254740991ull);
	ck_assert_int_eq(b->finality, CONFIG_FINALITY_SAFE);
	ck_assert(b->sync_all_transactions);
	ck_assert(!b->enabled);
	ck_assert_uint_eq(b->confirmations, 2);
	config_free(cfg);
}
END_TEST

/* The password file goes through secret_read(): its refusals name file:line. */
START_TEST(test_password_world_readable)
{
	const char	*pw = write_file("db.pw", "hunter2\n", 8, 0644);
	char		 text[1024], err[512], want[1024];
	const char	*path;
	struct config	*cfg;

	snprintf(text, sizeof(text), DB "password_file = %s\n", pw);
	path = write_conf(text);
	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:4: password_file: %s: mode 0644 "
	    "gives group or others access; want owner-only (chmod 600 or 400)",
	    path, pw);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_null(strstr(err, "hunter2"));

	/* Group bits alone are enough to refuse. */
	ck_assert_int_eq(chmod(pw, 0640), 0);
	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "mode 0640"));
	ck_assert_int_eq(chmod(pw, 0600), 0);
	cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_str_eq(cfg->db.password, "hunter2");
	ck_assert_uint_eq(cfg->db.password_len, 7);
	config_free(cfg);
}
END_TEST

START_TEST(test_password_missing)
{
	char		 text[1024], err[512], want[1024];
	const char	*path;

	snprintf(text, sizeof(text), DB "password_file = %s/nope\n", tmpdir);
	path = write_conf(text);
	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:4: password_file: %s/nope: No such "
	    "file or directory", path, tmpdir);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_credentials_directory)
{
	const char	*path;
	char		 err[512], want[600];
	struct config	*cfg;

	write_file("dbpw", "from-credentials", 16, 0400);
	ck_assert_int_eq(setenv("CREDENTIALS_DIRECTORY", tmpdir, 1), 0);
	path = write_conf(DB "password_file = dbpw\n[chain a]\nchain_id = 5\n"
	    "rpc_url = http://x\nkey_file = signer\n");
	cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	snprintf(want, sizeof(want), "%s/dbpw", tmpdir);
	ck_assert_str_eq(cfg->db.password_file, want);
	ck_assert_str_eq(cfg->db.password, "from-credentials");
	snprintf(want, sizeof(want), "%s/signer", tmpdir);
	ck_assert_str_eq(cfg->chains[0].key_file, want);
	config_free(cfg);

	unlink(path);
	nfiles--;
	path = write_conf(DB "password_file = ../etc/shadow\n");
	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s:4: password_file: must not contain "
	    "\"..\"", path);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(config_finality_name(CONFIG_FINALITY_DEPTH), "depth");
	ck_assert_str_eq(config_finality_name(CONFIG_FINALITY_SAFE), "safe");
	ck_assert_str_eq(config_finality_name(CONFIG_FINALITY_FINALIZED),
	    "finalized");
	ck_assert_str_eq(config_finality_name((enum config_finality)9), "?");
	ck_assert_ptr_nonnull(strstr(CONFIG_DEFAULT_PATH,
	    "/chainbridge/chainbridge.conf"));
}
END_TEST

/* The upper limits of the ranges are the store's own and load. */
START_TEST(test_store_limits_load)
{
	const char	*path = write_conf(DB "[api]\nmax_rows = 37000\n"
	    "max_reason_detail = 65535\nmax_json_depth = 32\n"
	    "write_timeout_ms = 1000\nidempotency_retention = 86400\n");
	char		 err[512];
	struct config	*cfg;

	cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	ck_assert_uint_eq(cfg->api.max_rows, CONFIG_MAX_ROWS_MAX);
	ck_assert_uint_eq(cfg->api.max_reason_detail, CONFIG_REASON_DETAIL_MAX);
	ck_assert_uint_eq(cfg->api.max_json_depth, CONFIG_JSON_DEPTH_MAX);
	ck_assert_uint_eq(cfg->api.write_timeout_ms, 1000);
	config_free(cfg);
}
END_TEST

/*
 * CONFIG_EDGE_TIMEOUT_MS is nginx's fastcgi_read_timeout of location /api/
 * in the site the project ships: a write's deadline is checked against the
 * timeout the edge really has.
 */
START_TEST(test_edge_timeout_is_nginx)
{
	char path[1024], line[512];
	bool in_api = false, found = false;
	unsigned seconds = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/nginx/chainbridge-server.conf", CB_TOP_SRCDIR);
	ck_assert_msg((f = fopen(path, "r")) != NULL, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *p = line + strspn(line, " \t");

		if (strncmp(p, "location ", 9) == 0)
			in_api = strncmp(p, "location /api/ ", 15) == 0;
		if (in_api && sscanf(p, "fastcgi_read_timeout %us;", &seconds) == 1)
			found = true;
	}
	fclose(f);
	ck_assert_msg(found, "no fastcgi_read_timeout in location /api/ of %s", path);
	ck_assert_uint_eq((uint64_t)seconds * 1000, CONFIG_EDGE_TIMEOUT_MS);
	ck_assert_uint_lt(CONFIG_WRITE_TIMEOUT_MS_MAX, CONFIG_EDGE_TIMEOUT_MS);
}
END_TEST

static Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc;

	tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_bad, 0,
	    sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_too_many_chains);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_missing_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_full);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_store_limits_load);
	tcase_add_test(tc, test_edge_timeout_is_nginx);
	suite_add_tcase(s, tc);

	tc = tcase_create("secrets");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_password_world_readable);
	tcase_add_test(tc, test_password_missing);
	tcase_add_test(tc, test_credentials_directory);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(config_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
