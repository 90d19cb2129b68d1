/*
 * conf.h - the one INI configuration file.
 *
 * (The file is conf.h, not config.h: that name belongs to the header
 * configure generates, which every .c file includes first.)
 *
 * Sections: [database], [api], [log] and zero to CONFIG_MAX_CHAINS
 * [chain NAME] sections (NAME is 1..32 of [a-z0-9_-]).  Unknown sections,
 * unknown keys, keys given twice, bad or out-of-range values and missing
 * required keys are errors naming file:line and the key.  Numbers are
 * decimal only, whole value, range-checked; booleans are
 * true/false/yes/no/1/0.  A ';' preceded by whitespace starts a comment;
 * lines are limited to CONFIG_LINE_MAX bytes.
 *
 * Secrets never appear in the file or on a command line: the database
 * password is read from password_file at load time by secret_read()
 * (core/secret.h: owner-only, bounded, one trailing newline stripped)
 * and wiped in config_free().  Secret file paths (password_file,
 * key_file) are absolute, or relative to $CREDENTIALS_DIRECTORY when that
 * is set (systemd LoadCredential=).  Socket paths must be absolute.
 *
 * Each field below notes its default and its allowed range.
 */
#ifndef CB_CONF_H
#define CB_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/log.h"

#ifdef SYSCONFDIR
#define CONFIG_DEFAULT_PATH	SYSCONFDIR "/chainbridge/chainbridge.conf"
#else
#define CONFIG_DEFAULT_PATH	"/etc/chainbridge/chainbridge.conf"
#endif

#define CONFIG_MAX_CHAINS	16
#define CONFIG_CHAIN_NAME_MAX	32
#define CONFIG_LINE_MAX		197	/* bytes per line without CR LF, with
				   libinih's default INI_MAX_LINE */
/* The [chain] poll_interval_ms default, also used for a chain that has no
 * section in a process's configuration. */
#define CONFIG_POLL_INTERVAL_MS_DEFAULT 2000
/*
 * The edge's patience: nginx's fastcgi_read_timeout of location /api/ in
 * nginx/chainbridge-server.conf (a unit test reads it there).  An answer later
 * than this reaches the client as a 504 while the write may still commit.
 */
#define CONFIG_EDGE_TIMEOUT_MS	60000
/* [api] write_timeout_ms may use at most half of it: the rest covers the
 * statement in flight when the deadline passes and the look-up after a
 * connection lost during COMMIT. */
#define CONFIG_WRITE_TIMEOUT_MS_MAX	(CONFIG_EDGE_TIMEOUT_MS / 2)

/*
 * Limits the store must be able to hold (docs/store.md "Limits"):
 *
 * reason_detail is a TEXT column: 65535 bytes.
 *
 * The store's JSON functions take at most 31 nested containers (MariaDB:
 * "Limit of 32 on JSON nested structures depth").  A write's rows travel
 * as one JSON array of arrays, so an adjustment's metadata, nested
 * max_json_depth - 3 deep in the body ({ adjustments [ { metadata), sits
 * max_json_depth - 1 deep there: max_json_depth is at most 32.
 *
 * A write's response has at most LEDGER_RESPONSE_ROW_MAX (448) bytes per
 * row; with an Idempotency-Key it is stored in a MEDIUMTEXT (16 MiB - 1)
 * in one statement, which MariaDB's default max_allowed_packet (16 MiB)
 * must carry: max_rows is at most 37000 (a static assertion in
 * src/lib/ledger/write.c checks the sum).
 */
#define CONFIG_REASON_DETAIL_MAX	65535
#define CONFIG_JSON_DEPTH_MAX		32
#define CONFIG_MAX_ROWS_MAX		37000
/* Idempotency keys are kept at least a day (docs/api.md), at most a year. */
#define CONFIG_IDEM_RETENTION_MIN	86400
#define CONFIG_IDEM_RETENTION_MAX	31536000

struct db_config {
	char		*host;		/* "127.0.0.1" */
	unsigned	 port;		/* 3306; 1..65535 */
	char		*socket;	/* NULL; if set, used instead of host/port */
	char		*name;		/* required */
	char		*user;		/* required */
	char		*password_file;	/* NULL; resolved path */
	char		*password;	/* read from password_file, else NULL */
	size_t		 password_len;
	unsigned	 connect_timeout; /* s, 5; 1..3600 */
	unsigned	 read_timeout;	/* s, 30; 1..3600 */
	unsigned	 write_timeout;	/* s, 30; 1..3600 */
	unsigned	 retries;	/* deadlock retries, 5; 0..100 */
};

struct api_config {
	char		*socket;	/* "/run/chainbridge/api.sock" */
	unsigned	 workers;	/* 4; 1..256 */
	size_t		 max_body;	/* bytes, 1048576; 1024..67108864 */
	unsigned	 max_rows;	/* 1000; 1..CONFIG_MAX_ROWS_MAX */
	size_t		 max_reason_detail; /* bytes, 1024;
					   1..CONFIG_REASON_DETAIL_MAX */
	size_t		 max_metadata;	/* bytes, 4096; 2..1048576 */
	unsigned	 max_json_depth; /* 16; 2..CONFIG_JSON_DEPTH_MAX */
	unsigned	 shutdown_timeout; /* s, 10; 0..3600 */
	unsigned	 history_max_limit; /* 200; 1..100000 */
	unsigned	 logs_max_blocks; /* blocks per GET .../logs, 10000; 1..1000000 */
	unsigned	 write_timeout_ms; /* a write's whole time, 15000;
					   1000..CONFIG_WRITE_TIMEOUT_MS_MAX */
	unsigned	 idempotency_retention; /* s, 86400;
					   CONFIG_IDEM_RETENTION_MIN..MAX */
};

struct log_config {
	enum log_level	 level;		/* info */
	enum log_format	 format;	/* kv */
};

enum config_finality {
	CONFIG_FINALITY_DEPTH = 0,	/* head - finality_depth */
	CONFIG_FINALITY_SAFE,		/* the node's "safe" block */
	CONFIG_FINALITY_FINALIZED,	/* the node's "finalized" block */
	CONFIG_FINALITY__MAX
};

struct chain_config {
	char		 name[CONFIG_CHAIN_NAME_MAX + 1]; /* from [chain NAME] */
	uint64_t	 chain_id;	/* required; 1..2^53-1 */
	char		*rpc_url;	/* required; http:// or https:// */
	char		*key_file;	/* NULL; resolved path of the signer key */
	unsigned	 confirmations;	/* 2; 0..10000 */
	enum config_finality finality;	/* depth */
	unsigned	 finality_depth; /* 64; 1..100000 */
	unsigned	 poll_interval_ms; /* 2000; 100..3600000 */
	unsigned	 rpc_timeout_ms; /* 10000; 100..600000 */
	unsigned	 log_range;	/* blocks per eth_getLogs, 2000; 1..1000000 */
	uint64_t	 max_gas_per_tx; /* 15000000; 21000..1000000000 */
	unsigned	 replace_after;	/* s, 120; 1..86400 */
	unsigned	 fee_bump_percent; /* 12; 10..1000 */
	uint64_t	 max_fee_gwei;	/* 500; 1..1000000 */
	uint64_t	 start_block;	/* 0; 0..2^63-1 */
	unsigned	 lease_ttl;	/* s, 15; 2..3600: a standby takes over this
				   long after the active daemon died or hung */
	unsigned	 gas_margin_percent; /* 20; 0..500, added to eth_estimateGas */
	unsigned	 max_settle_attempts; /* 3; 1..100 reverts of a change's
				   batches before the change fails */
	unsigned	 max_in_flight;	/* 16; 1..1000 unconfirmed settlement txs */
	unsigned	 stuck_alert_after; /* s, 600; 1..604800: head-of-line
				   nonce without a receipt this long alerts */
	uint64_t	 signer_min_balance_gwei; /* 100000000 (0.1 ETH); 0..10^15:
				   signer balance below this alerts */
	unsigned	 check_interval; /* s, 60; 1..86400 between consistency checks */
	bool		 sync_all_transactions; /* false */
	bool		 enabled;	/* true */
};

struct config {
	char			*path;	/* the file loaded */
	struct db_config	 db;
	struct api_config	 api;
	struct log_config	 log;
	size_t			 nchains;
	struct chain_config	 chains[CONFIG_MAX_CHAINS]; /* in file order */
};

/*
 * Loads and validates the file at path (CONFIG_DEFAULT_PATH when NULL),
 * and reads the database password file.  Returns a new config the caller
 * frees with config_free(), or NULL with a one-line message in errbuf
 * (errlen bytes) of the form "file:line: key: reason" (or "file: reason"
 * when no line applies).  The message never holds a secret.
 */
struct config *config_load(const char *path, char *errbuf, size_t errlen);

/*
 * The key table, for documentation (chainbridge.conf(5) is checked
 * against it by a test, so the manual cannot drift from the code).
 */
struct config_key_info {
	const char	*section;	/* "database", "api", "log", "chain" */
	const char	*name;
	const char	*type;		/* "string", "integer", "boolean", ... */
	bool		 has_range;	/* numeric: min..max apply */
	uint64_t	 min, max;
	const char	*def;		/* default as written in the file, or NULL */
	bool		 required;
};

/* Number of keys over all sections. */
size_t	config_key_count(void);

/* Fills *out with key i (0 <= i < config_key_count()); false past the end. */
bool	config_key_info(size_t i, struct config_key_info *out);

/* Wipes the secrets and frees everything.  NULL-safe. */
void config_free(struct config *cfg);

/* Returns the chain section called name, borrowed from cfg, or NULL. */
const struct chain_config *config_chain(const struct config *cfg,
    const char *name);

/* Returns "depth", "safe" or "finalized" ("?" if out of range). */
const char *config_finality_name(enum config_finality finality);

#endif
