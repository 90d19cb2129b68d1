/*
 * conf.c - load and validate the INI configuration file with libinih.
 *
 * Every key of every section is described by one row of a table (name,
 * type, offset in the section's struct, range, default, required), so a
 * new key is one line.  libinih does the tokenising; a line reader given
 * to ini_parse_stream() counts lines, refuses over-long and indented
 * lines, and checks section headers (inih does not report those to the
 * handler), so every error can name file:line.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include <ini.h>

#include "core/conf.h"
#include "core/secret.h"

enum conf_type {
	CONF_STR,		/* non-empty text without control characters */
	CONF_SOCKET,		/* absolute path that fits a sockaddr_un */
	CONF_SECRET_PATH,	/* absolute, or under $CREDENTIALS_DIRECTORY */
	CONF_URL,		/* http:// or https:// */
	CONF_UINT,		/* unsigned int */
	CONF_U64,		/* uint64_t */
	CONF_SIZE,		/* size_t */
	CONF_BOOL,
	CONF_LEVEL,		/* enum log_level */
	CONF_FORMAT,		/* enum log_format */
	CONF_FINALITY		/* enum config_finality */
};

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;
	uint64_t	 min;
	uint64_t	 max;
	const char	*def;		/* default, parsed like a value; or NULL */
	bool		 required;
};

#define KEY(st, field, type, min, max, def, req) \
	{ #field, type, offsetof(st, field), min, max, def, req }

#define DB(f, t, lo, hi, d, r)		KEY(struct db_config, f, t, lo, hi, d, r)
static const struct conf_key conf_db_keys[] = {
	DB(host,		CONF_STR,	0, 0,		"127.0.0.1", false),
	DB(port,		CONF_UINT,	1, 65535,	"3306",	false),
	DB(socket,		CONF_SOCKET,	0, 0,		NULL,	false),
	DB(name,		CONF_STR,	0, 0,		NULL,	true),
	DB(user,		CONF_STR,	0, 0,		NULL,	true),
	DB(password_file,	CONF_SECRET_PATH, 0, 0,		NULL,	false),
	DB(connect_timeout,	CONF_UINT,	1, 3600,	"5",	false),
	DB(read_timeout,	CONF_UINT,	1, 3600,	"30",	false),
	DB(write_timeout,	CONF_UINT,	1, 3600,	"30",	false),
	DB(retries,		CONF_UINT,	0, 100,		"5",	false),
};

#define API(f, t, lo, hi, d)		KEY(struct api_config, f, t, lo, hi, d, false)
static const struct conf_key conf_api_keys[] = {
	API(socket,		CONF_SOCKET,	0, 0,		"/run/chainbridge/api.sock"),
	API(workers,		CONF_UINT,	1, 256,		"4"),
	API(max_body,		CONF_SIZE,	1024, 67108864,	"1048576"),
	API(max_rows,		CONF_UINT,	1, CONFIG_MAX_ROWS_MAX, "1000"),
	API(max_reason_detail,	CONF_SIZE,	1, CONFIG_REASON_DETAIL_MAX, "1024"),
	API(max_metadata,	CONF_SIZE,	2, 1048576,	"4096"),
	API(max_json_depth,	CONF_UINT,	2, CONFIG_JSON_DEPTH_MAX, "16"),
	API(shutdown_timeout,	CONF_UINT,	0, 3600,	"10"),
	API(history_max_limit,	CONF_UINT,	1, 100000,	"200"),
	API(logs_max_blocks,	CONF_UINT,	1, 1000000,	"10000"),
	API(write_timeout_ms,	CONF_UINT,	1000, CONFIG_WRITE_TIMEOUT_MS_MAX, "15000"),
	API(idempotency_retention, CONF_UINT,	CONFIG_IDEM_RETENTION_MIN,
	    CONFIG_IDEM_RETENTION_MAX, "86400"),
};

#define LOGK(f, t, d)			KEY(struct log_config, f, t, 0, 0, d, false)
static const struct conf_key conf_log_keys[] = {
	LOGK(level,		CONF_LEVEL,	"info"),
	LOGK(format,		CONF_FORMAT,	"kv"),
};

#define CONF_STR_(x)	#x
#define CONF_STR(x)	CONF_STR_(x)
#define CH(f, t, lo, hi, d, r)		KEY(struct chain_config, f, t, lo, hi, d, r)
static const struct conf_key conf_chain_keys[] = {
	CH(chain_id,		CONF_U64,	1, 9007199254740991ull, NULL, true),
	CH(rpc_url,		CONF_URL,	0, 0,		NULL,	true),
	CH(key_file,		CONF_SECRET_PATH, 0, 0,		NULL,	false),
	CH(confirmations,	CONF_UINT,	0, 10000,	"2",	false),
	CH(finality,		CONF_FINALITY,	0, 0,		"depth", false),
	CH(finality_depth,	CONF_UINT,	1, 100000,	"64",	false),
	CH(poll_interval_ms,	CONF_UINT,	100, 3600000,
	    CONF_STR(CONFIG_POLL_INTERVAL_MS_DEFAULT), false),
	CH(rpc_timeout_ms,	CONF_UINT,	100, 600000,	"10000", false),
	CH(log_range,		CONF_UINT,	1, 1000000,	"2000",	false),
	CH(max_gas_per_tx,	CONF_U64,	21000, 1000000000, "15000000", false),
	CH(replace_after,	CONF_UINT,	1, 86400,	"120",	false),
	CH(fee_bump_percent,	CONF_UINT,	10, 1000,	"12",	false),
	CH(max_fee_gwei,	CONF_U64,	1, 1000000,	"500",	false),
	CH(start_block,		CONF_U64,	0, INT64_MAX,	"0",	false),
	CH(lease_ttl,		CONF_UINT,	2, 3600,	"15",	false),
	CH(gas_margin_percent,	CONF_UINT,	0, 500,		"20",	false),
	CH(max_settle_attempts,	CONF_UINT,	1, 100,		"3",	false),
	CH(max_in_flight,	CONF_UINT,	1, 1000,	"16",	false),
	CH(stuck_alert_after,	CONF_UINT,	1, 604800,	"600",	false),
	CH(signer_min_balance_gwei, CONF_U64,	0, 1000000000000000ull, "100000000", false),
	CH(check_interval,	CONF_UINT,	1, 86400,	"60",	false),
	CH(sync_all_transactions, CONF_BOOL,	0, 0,		"false", false),
	CH(enabled,		CONF_BOOL,	0, 0,		"true",	false),
};

#define NKEYS(t)	(sizeof(t) / sizeof((t)[0]))
#define CONF_MAX_KEYS	32	/* per section; sizes conf_ctx.key_line */

_Static_assert(NKEYS(conf_db_keys) <= CONF_MAX_KEYS, "too many keys");
_Static_assert(NKEYS(conf_api_keys) <= CONF_MAX_KEYS, "too many keys");
_Static_assert(NKEYS(conf_log_keys) <= CONF_MAX_KEYS, "too many keys");
_Static_assert(NKEYS(conf_chain_keys) <= CONF_MAX_KEYS, "too many keys");

static const struct {
	const char		*name;
	const struct conf_key	*keys;
	size_t			 nkeys;
} conf_doc_sections[] = {
	{ "database",	conf_db_keys,		NKEYS(conf_db_keys) },
	{ "api",	conf_api_keys,		NKEYS(conf_api_keys) },
	{ "log",	conf_log_keys,		NKEYS(conf_log_keys) },
	{ "chain",	conf_chain_keys,	NKEYS(conf_chain_keys) },
};

static const char *const conf_type_names[] = {
	[CONF_STR] = "string",
	[CONF_SOCKET] = "socket path",
	[CONF_SECRET_PATH] = "secret file",
	[CONF_URL] = "URL",
	[CONF_UINT] = "integer",
	[CONF_U64] = "integer",
	[CONF_SIZE] = "bytes",
	[CONF_BOOL] = "boolean",
	[CONF_LEVEL] = "log level",
	[CONF_FORMAT] = "log format",
	[CONF_FINALITY] = "finality",
};

size_t
config_key_count(void)
{
	size_t i, n = 0;

	for (i = 0; i < NKEYS(conf_doc_sections); i++)
		n += conf_doc_sections[i].nkeys;
	return n;
}

bool
config_key_info(size_t i, struct config_key_info *out)
{
	size_t s;

	for (s = 0; s < NKEYS(conf_doc_sections); s++) {
		const struct conf_key *k;

		if (i >= conf_doc_sections[s].nkeys) {
			i -= conf_doc_sections[s].nkeys;
			continue;
		}
		k = &conf_doc_sections[s].keys[i];
		out->section = conf_doc_sections[s].name;
		out->name = k->name;
		out->type = conf_type_names[k->type];
		out->has_range = k->type == CONF_UINT || k->type == CONF_U64 ||
		    k->type == CONF_SIZE;
		out->min = k->min;
		out->max = k->max;
		out->def = k->def;
		out->required = k->required;
		return true;
	}
	return false;
}

/* Section instances: the three fixed ones, then one per chain. */
enum {
	CONF_SEC_DB = 0,
	CONF_SEC_API,
	CONF_SEC_LOG,
	CONF_SEC_CHAIN0,
	CONF_SEC__MAX = CONF_SEC_CHAIN0 + CONFIG_MAX_CHAINS
};

static const char *const conf_finality_names[CONFIG_FINALITY__MAX] = {
	[CONFIG_FINALITY_DEPTH] = "depth",
	[CONFIG_FINALITY_SAFE] = "safe",
	[CONFIG_FINALITY_FINALIZED] = "finalized",
};

struct conf_ctx {
	struct config	*cfg;
	const char	*path;
	FILE		*fp;
	int		 lineno;
	bool		 failed;
	char		*errbuf;
	size_t		 errlen;
	bool		 seen_section[CONF_SEC__MAX];
	int		 section_line[CONF_SEC__MAX];
	int		 key_line[CONF_SEC__MAX][CONF_MAX_KEYS]; /* 0: not set */
};

/* Records the first error as "file:line: key: reason" (parts optional). */
static void __attribute__((format(printf, 4, 5)))
conf_fail(struct conf_ctx *ctx, int line, const char *key, const char *fmt,
    ...)
{
	char	 reason[256];
	va_list	 ap;

	if (ctx->failed)
		return;
	ctx->failed = true;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (ctx->errbuf == NULL || ctx->errlen == 0)
		return;
	if (line > 0 && key != NULL)
		snprintf(ctx->errbuf, ctx->errlen, "%s:%d: %s: %s", ctx->path,
		    line, key, reason);
	else if (line > 0)
		snprintf(ctx->errbuf, ctx->errlen, "%s:%d: %s", ctx->path,
		    line, reason);
	else if (key != NULL)
		snprintf(ctx->errbuf, ctx->errlen, "%s: %s: %s", ctx->path,
		    key, reason);
	else
		snprintf(ctx->errbuf, ctx->errlen, "%s: %s", ctx->path, reason);
}

static void
conf_section_keys(size_t sec, const struct conf_key **keys, size_t *nkeys)
{
	switch (sec) {
	case CONF_SEC_DB:
		*keys = conf_db_keys;
		*nkeys = NKEYS(conf_db_keys);
		break;
	case CONF_SEC_API:
		*keys = conf_api_keys;
		*nkeys = NKEYS(conf_api_keys);
		break;
	case CONF_SEC_LOG:
		*keys = conf_log_keys;
		*nkeys = NKEYS(conf_log_keys);
		break;
	default:
		*keys = conf_chain_keys;
		*nkeys = NKEYS(conf_chain_keys);
		break;
	}
}

static void *
conf_section_base(struct config *cfg, size_t sec)
{
	switch (sec) {
	case CONF_SEC_DB:
		return &cfg->db;
	case CONF_SEC_API:
		return &cfg->api;
	case CONF_SEC_LOG:
		return &cfg->log;
	default:
		return &cfg->chains[sec - CONF_SEC_CHAIN0];
	}
}

/* Strict unsigned decimal: digits only, whole string, no overflow. */
static bool
conf_parse_u64(const char *s, uint64_t *out)
{
	uint64_t	 v = 0;
	unsigned	 d;

	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

static bool
conf_has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

static bool
conf_set_string(struct conf_ctx *ctx, int line, const char *key,
    char **field, const char *value)
{
	char	*copy;

	if ((copy = strdup(value)) == NULL) {
		conf_fail(ctx, line, key, "out of memory");
		return false;
	}
	free(*field);
	*field = copy;
	return true;
}

/* Resolves a secret file's path: absolute, or under $CREDENTIALS_DIRECTORY. */
static bool
conf_set_secret_path(struct conf_ctx *ctx, int line, const char *key,
    char **field, const char *value)
{
	const char	*dir;
	char		 full[PATH_MAX];
	int		 n;

	if (value[0] == '/')
		return conf_set_string(ctx, line, key, field, value);
	dir = getenv("CREDENTIALS_DIRECTORY");
	if (dir == NULL || dir[0] != '/') {
		conf_fail(ctx, line, key, "must be an absolute path (or a "
		    "name under $CREDENTIALS_DIRECTORY)");
		return false;
	}
	if (strstr(value, "..") != NULL) {
		conf_fail(ctx, line, key, "must not contain \"..\"");
		return false;
	}
	n = snprintf(full, sizeof(full), "%s/%s", dir, value);
	if (n < 0 || (size_t)n >= sizeof(full)) {
		conf_fail(ctx, line, key, "path too long");
		return false;
	}
	return conf_set_string(ctx, line, key, field, full);
}

/* Parses value for k and stores it into the section struct at base. */
static bool
conf_set(struct conf_ctx *ctx, int line, void *base, const struct conf_key *k,
    const char *value)
{
	char		*field = (char *)base + k->off;
	uint64_t	 v;
	size_t		 i;
	struct sockaddr_un sa;

	if (conf_has_ctl(value)) {
		conf_fail(ctx, line, k->name, "control character in value");
		return false;
	}
	switch (k->type) {
	case CONF_STR:
		if (value[0] == '\0')
			break;
		return conf_set_string(ctx, line, k->name, (char **)field,
		    value);
	case CONF_SOCKET:
		if (value[0] != '/') {
			conf_fail(ctx, line, k->name,
			    "must be an absolute path");
			return false;
		}
		if (strlen(value) >= sizeof(sa.sun_path)) {
			conf_fail(ctx, line, k->name,
			    "longer than %zu bytes", sizeof(sa.sun_path) - 1);
			return false;
		}
		return conf_set_string(ctx, line, k->name, (char **)field,
		    value);
	case CONF_SECRET_PATH:
		if (value[0] == '\0')
			break;
		return conf_set_secret_path(ctx, line, k->name,
		    (char **)field, value);
	case CONF_URL:
		if ((strncmp(value, "http://", 7) != 0 || value[7] == '\0' ||
		    value[7] == '/') && (strncmp(value, "https://", 8) != 0 ||
		    value[8] == '\0' || value[8] == '/')) {
			conf_fail(ctx, line, k->name,
			    "must be an http:// or https:// URL");
			return false;
		}
		if (strchr(value, ' ') != NULL) {
			conf_fail(ctx, line, k->name, "space in URL");
			return false;
		}
		return conf_set_string(ctx, line, k->name, (char **)field,
		    value);
	case CONF_UINT:
	case CONF_U64:
	case CONF_SIZE:
		if (!conf_parse_u64(value, &v)) {
			conf_fail(ctx, line, k->name,
			    "not an unsigned decimal number");
			return false;
		}
		if (v < k->min || v > k->max) {
			conf_fail(ctx, line, k->name,
			    "must be between %llu and %llu",
			    (unsigned long long)k->min,
			    (unsigned long long)k->max);
			return false;
		}
		if (k->type == CONF_UINT)
			*(unsigned *)(void *)field = (unsigned)v;
		else if (k->type == CONF_U64)
			*(uint64_t *)(void *)field = v;
		else
			*(size_t *)(void *)field = (size_t)v;
		return true;
	case CONF_BOOL:
		if (strcmp(value, "true") == 0 || strcmp(value, "yes") == 0 ||
		    strcmp(value, "1") == 0)
			*(bool *)(void *)field = true;
		else if (strcmp(value, "false") == 0 ||
		    strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
			*(bool *)(void *)field = false;
		else {
			conf_fail(ctx, line, k->name,
			    "must be true, false, yes, no, 1 or 0");
			return false;
		}
		return true;
	case CONF_LEVEL:
		if (!log_level_parse(value, (enum log_level *)(void *)field)) {
			conf_fail(ctx, line, k->name,
			    "must be debug, info, warn or error");
			return false;
		}
		return true;
	case CONF_FORMAT:
		if (!log_format_parse(value,
		    (enum log_format *)(void *)field)) {
			conf_fail(ctx, line, k->name, "must be kv or json");
			return false;
		}
		return true;
	case CONF_FINALITY:
		for (i = 0; i < CONFIG_FINALITY__MAX; i++)
			if (strcmp(value, conf_finality_names[i]) == 0) {
				*(enum config_finality *)(void *)field =
				    (enum config_finality)i;
				return true;
			}
		conf_fail(ctx, line, k->name,
		    "must be depth, safe or finalized");
		return false;
	}
	conf_fail(ctx, line, k->name, "empty value");
	return false;
}

/* Returns the index of the key called name in keys, or nkeys. */
static size_t
conf_key_index(const struct conf_key *keys, size_t nkeys, const char *name)
{
	size_t	 i;

	for (i = 0; i < nkeys; i++)
		if (strcmp(name, keys[i].name) == 0)
			break;
	return i;
}

/* Fills a section's struct with the table's defaults. */
static bool
conf_defaults(struct conf_ctx *ctx, size_t sec)
{
	const struct conf_key	*keys;
	size_t			 nkeys, i;
	void			*base = conf_section_base(ctx->cfg, sec);

	conf_section_keys(sec, &keys, &nkeys);
	for (i = 0; i < nkeys; i++)
		if (keys[i].def != NULL &&
		    !conf_set(ctx, 0, base, &keys[i], keys[i].def))
			return false;
	return true;
}

static bool
conf_chain_name_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || n > CONFIG_CHAIN_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* Finds the section instance called name (as inih reports it), or -1. */
static int
conf_find_section(const struct config *cfg, const char *name)
{
	size_t	 i;

	if (strcmp(name, "database") == 0)
		return CONF_SEC_DB;
	if (strcmp(name, "api") == 0)
		return CONF_SEC_API;
	if (strcmp(name, "log") == 0)
		return CONF_SEC_LOG;
	if (strncmp(name, "chain ", 6) == 0)
		for (i = 0; i < cfg->nchains; i++)
			if (strcmp(name + 6, cfg->chains[i].name) == 0)
				return CONF_SEC_CHAIN0 + (int)i;
	return -1;
}

/* A section header line (after leading blanks): check and register it. */
static void
conf_section_header(struct conf_ctx *ctx, const char *line)
{
	const char	*end, *p;
	char		 name[64];
	size_t		 n;
	int		 sec;
	struct chain_config *ch;

	if ((end = strchr(line, ']')) == NULL) {
		conf_fail(ctx, ctx->lineno, NULL, "section header without ']'");
		return;
	}
	for (p = end + 1; *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
	    p++)
		;
	if (*p != '\0' && *p != ';' && *p != '#') {
		conf_fail(ctx, ctx->lineno, NULL, "text after section header");
		return;
	}
	n = (size_t)(end - line - 1);
	if (n >= sizeof(name)) {
		conf_fail(ctx, ctx->lineno, NULL, "unknown section");
		return;
	}
	memcpy(name, line + 1, n);
	name[n] = '\0';

	if ((sec = conf_find_section(ctx->cfg, name)) >= 0) {
		if (ctx->seen_section[sec]) {
			conf_fail(ctx, ctx->lineno, NULL, "section [%s] "
			    "repeated (first at line %d)", name,
			    ctx->section_line[sec]);
			return;
		}
	} else if (strncmp(name, "chain ", 6) == 0 &&
	    conf_chain_name_ok(name + 6, n - 6)) {
		if (ctx->cfg->nchains == CONFIG_MAX_CHAINS) {
			conf_fail(ctx, ctx->lineno, NULL, "more than %d chain "
			    "sections", CONFIG_MAX_CHAINS);
			return;
		}
		sec = CONF_SEC_CHAIN0 + (int)ctx->cfg->nchains;
		ch = &ctx->cfg->chains[ctx->cfg->nchains++];
		memcpy(ch->name, name + 6, n - 6 + 1);
		if (!conf_defaults(ctx, (size_t)sec))
			return;
	} else if (strncmp(name, "chain", 5) == 0) {
		conf_fail(ctx, ctx->lineno, NULL, "bad chain section name "
		    "(want [chain NAME], NAME 1-%d of a-z 0-9 _ -)",
		    CONFIG_CHAIN_NAME_MAX);
		return;
	} else {
		conf_fail(ctx, ctx->lineno, NULL, "unknown section [%.*s]",
		    (int)(n > 40 ? 40 : n), name);
		return;
	}
	ctx->seen_section[sec] = true;
	ctx->section_line[sec] = ctx->lineno;
}

/*
 * The line reader handed to inih: fgets plus line counting and the checks
 * inih does not make.  Returning NULL ends the parse.
 */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_ctx	*ctx = stream;
	size_t		 n = 0, i;
	int		 c = EOF;

	if (ctx->failed || num < 4)
		return NULL;
	ctx->lineno++;
	while ((c = getc(ctx->fp)) != EOF) {
		if (c == '\0') {
			conf_fail(ctx, ctx->lineno, NULL, "NUL byte");
			return NULL;
		}
		if (n + 1 >= (size_t)num) {
			conf_fail(ctx, ctx->lineno, NULL,
			    "line longer than %d bytes", num - 3);
			return NULL;
		}
		str[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (c == EOF && ferror(ctx->fp)) {
		conf_fail(ctx, ctx->lineno, NULL, "read error");
		return NULL;
	}
	if (n == 0) {
		ctx->lineno--;
		return NULL;
	}
	str[n] = '\0';
	/* inih skips a UTF-8 byte order mark; do so here so checks agree. */
	if (ctx->lineno == 1 && n >= 3 && memcmp(str, "\xef\xbb\xbf", 3) == 0)
		memmove(str, str + 3, n - 3 + 1);
	for (i = 0; str[i] == ' ' || str[i] == '\t'; i++)
		;
	if (str[i] == '\0' || str[i] == '\n' || str[i] == '\r')
		return str;
	if (i > 0) {
		conf_fail(ctx, ctx->lineno, NULL, "indented line (continuation "
		    "lines are not supported)");
		return NULL;
	}
	if (str[0] == '[') {
		conf_section_header(ctx, str);
		if (ctx->failed)
			return NULL;
	}
	return str;
}

static int
conf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf_ctx		*ctx = user;
	const struct conf_key	*keys;
	size_t			 nkeys, i;
	int			 sec;

	if (ctx->failed)
		return 0;
	if (section[0] == '\0') {
		conf_fail(ctx, ctx->lineno, name, "key outside any section");
		return 0;
	}
	if ((sec = conf_find_section(ctx->cfg, section)) < 0) {
		conf_fail(ctx, ctx->lineno, name, "unknown section");
		return 0;
	}
	conf_section_keys((size_t)sec, &keys, &nkeys);
	if ((i = conf_key_index(keys, nkeys, name)) == nkeys) {
		conf_fail(ctx, ctx->lineno, name, "unknown key in [%s]",
		    section);
		return 0;
	}
	if (ctx->key_line[sec][i] != 0) {
		conf_fail(ctx, ctx->lineno, name, "set twice (first at line %d)",
		    ctx->key_line[sec][i]);
		return 0;
	}
	ctx->key_line[sec][i] = ctx->lineno;
	if (!conf_set(ctx, ctx->lineno, conf_section_base(ctx->cfg,
	    (size_t)sec), &keys[i], value))
		return 0;
	return 1;
}

/* Checks required keys and rules across keys after the whole file. */
static bool
conf_check(struct conf_ctx *ctx)
{
	const struct conf_key	*keys;
	size_t			 nkeys, sec, i, j;
	char			 what[64];
	struct config		*cfg = ctx->cfg;

	for (sec = 0; sec < CONF_SEC_CHAIN0 + cfg->nchains; sec++) {
		conf_section_keys(sec, &keys, &nkeys);
		for (i = 0; i < nkeys; i++) {
			if (!keys[i].required || ctx->key_line[sec][i] != 0)
				continue;
			if (sec >= CONF_SEC_CHAIN0)
				snprintf(what, sizeof(what), "[chain %s] %s",
				    cfg->chains[sec - CONF_SEC_CHAIN0].name,
				    keys[i].name);
			else
				snprintf(what, sizeof(what), "[%s] %s",
				    sec == CONF_SEC_DB ? "database" :
				    sec == CONF_SEC_API ? "api" : "log",
				    keys[i].name);
			conf_fail(ctx, ctx->section_line[sec], what,
			    "required key missing");
			return false;
		}
	}
	for (i = 0; i < cfg->nchains; i++)
		for (j = 0; j < i; j++)
			if (cfg->chains[i].chain_id == cfg->chains[j].chain_id) {
				conf_fail(ctx, ctx->key_line[CONF_SEC_CHAIN0 +
				    i][conf_key_index(conf_chain_keys,
				    NKEYS(conf_chain_keys), "chain_id")],
				    "chain_id", "same as in [chain %s]",
				    cfg->chains[j].name);
				return false;
			}
	return true;
}

struct config *
config_load(const char *path, char *errbuf, size_t errlen)
{
	struct conf_ctx	*ctx = NULL;
	struct config	*cfg = NULL;
	char		 secret_err[512];
	size_t		 pw_key;
	int		 rc;

	if (path == NULL)
		path = CONFIG_DEFAULT_PATH;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL ||
	    (cfg = calloc(1, sizeof(*cfg))) == NULL ||
	    (cfg->path = strdup(path)) == NULL) {
		if (errbuf != NULL && errlen > 0)
			snprintf(errbuf, errlen, "%s: out of memory", path);
		goto fail;
	}
	ctx->cfg = cfg;
	ctx->path = path;
	ctx->errbuf = errbuf;
	ctx->errlen = errlen;
	if (!conf_defaults(ctx, CONF_SEC_DB) ||
	    !conf_defaults(ctx, CONF_SEC_API) ||
	    !conf_defaults(ctx, CONF_SEC_LOG))
		goto fail;

	if ((ctx->fp = fopen(path, "re")) == NULL) {
		conf_fail(ctx, 0, NULL, "%s", strerror(errno));
		goto fail;
	}
	rc = ini_parse_stream(conf_reader, ctx, conf_handler, ctx);
	if (ctx->failed)
		goto fail;
	if (rc != 0) {
		conf_fail(ctx, rc > 0 ? rc : 0, NULL, "syntax error");
		goto fail;
	}
	if (!conf_check(ctx))
		goto fail;

	if (cfg->db.password_file != NULL) {
		if (secret_read(cfg->db.password_file, &cfg->db.password,
		    &cfg->db.password_len, secret_err, sizeof(secret_err)) !=
		    CB_OK) {
			pw_key = conf_key_index(conf_db_keys,
			    NKEYS(conf_db_keys), "password_file");
			conf_fail(ctx, ctx->key_line[CONF_SEC_DB][pw_key],
			    "password_file", "%s", secret_err);
			goto fail;
		}
	}
	fclose(ctx->fp);
	free(ctx);
	return cfg;
fail:
	if (ctx != NULL && ctx->fp != NULL)
		fclose(ctx->fp);
	free(ctx);
	config_free(cfg);
	return NULL;
}

/* Frees the strings of one section instance. */
static void
conf_free_section(struct config *cfg, size_t sec)
{
	const struct conf_key	*keys;
	size_t			 nkeys, i;
	char			*base = conf_section_base(cfg, sec);

	conf_section_keys(sec, &keys, &nkeys);
	for (i = 0; i < nkeys; i++)
		switch (keys[i].type) {
		case CONF_STR:
		case CONF_SOCKET:
		case CONF_SECRET_PATH:
		case CONF_URL:
			free(*(char **)(void *)(base + keys[i].off));
			*(char **)(void *)(base + keys[i].off) = NULL;
			break;
		default:
			break;
		}
}

void
config_free(struct config *cfg)
{
	size_t	 sec;

	if (cfg == NULL)
		return;
	secret_free(cfg->db.password, cfg->db.password_len);
	cfg->db.password = NULL;
	cfg->db.password_len = 0;
	for (sec = 0; sec < CONF_SEC_CHAIN0 + CONFIG_MAX_CHAINS; sec++)
		conf_free_section(cfg, sec);
	free(cfg->path);
	free(cfg);
}

const struct chain_config *
config_chain(const struct config *cfg, const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg->nchains; i++)
		if (strcmp(cfg->chains[i].name, name) == 0)
			return &cfg->chains[i];
	return NULL;
}

const char *
config_finality_name(enum config_finality finality)
{
	if ((unsigned)finality >= CONFIG_FINALITY__MAX)
		return "?";
	return conf_finality_names[finality];
}
