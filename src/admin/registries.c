/*
 * registries.c - chainbridge-admin token, strategy and reason commands.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/array.h"
#include "admin.h"
#include "store/registry.h"
#include "store/stmts.h"


static int
fail(const char *what, const char *msg)
{
	fprintf(stderr, "chainbridge-admin: %s: %s\n", what, msg);
	return 1;
}

static int
copy_opt(char *dst, size_t cap, const char *opt, const char *val)
{
	if (val == NULL || strlen(val) >= cap) {
		fprintf(stderr, "chainbridge-admin: --%s is required (at most %zu bytes)\n",
		    opt, cap - 1);
		return -1;
	}
	memcpy(dst, val, strlen(val) + 1);
	return 0;
}

/* Split "a,b,c" into fixed slots; -1 when an item is empty or too long. */
static int
split_list(const char *s, char *slots, size_t slot_size, unsigned max, unsigned *count)
{
	size_t i = 0, len = strlen(s);

	*count = 0;
	if (len == 0)
		return 0;
	while (i <= len) {
		size_t j = i;

		while (j < len && s[j] != ',')
			j++;
		if (j == i || j - i >= slot_size || *count >= max)
			return -1;
		memcpy(slots + *count * slot_size, s + i, j - i);
		slots[*count * slot_size + (j - i)] = '\0';
		(*count)++;
		i = j + 1;
	}
	return 0;
}

static int
token_list(struct admin *adm)
{
	char addr[ADDRESS_STR_SIZE], feats[64];
	struct db_row row;
	struct token t;
	int r;

	if (DB_EXEC0(adm->db, ST_TOKEN_LIST) != CB_OK)
		return fail("token list", db_error(adm->db));
	printf("%-10s %-8s %-10s %-42s %-4s %-6s %-18s %s\n", "SYMBOL", "CHAIN", "CHAIN_ID",
	    "ADDRESS", "DEC", "SETTLE", "FEATURES", "ENABLED");
	while ((r = db_fetch(adm->db, ST_TOKEN_LIST, &row)) == 1) {
		if (registry_token_from_row(&row, &t) != CB_OK)
			continue;
		address_to_checksum(&t.address, addr);
		printf("%-10s %-8s %-10llu %-42s %-4u %-6s %-18s %s\n", t.symbol, t.chain,
		    (unsigned long long)t.chain_id, addr, t.decimals,
		    registry_settlement_name(t.settlement),
		    registry_features_format(t.features, feats, sizeof(feats)),
		    t.enabled ? "yes" : "no");
	}
	db_done(adm->db, ST_TOKEN_LIST);
	return r < 0 ? 1 : 0;
}

static int
cmd_token(struct admin *adm)
{
	const char *const *v = adm->opt;	/* by index in token_opts */
	const struct chain_config *cc;
	unsigned long long dec;
	struct token t, old;
	char err[256];
	bool create;
	int n;

	if (strcmp(adm->action->name, "list") == 0)
		return token_list(adm);
	create = strcmp(adm->action->name, "add") == 0;
	if (v[0] == NULL)
		return admin_usage_error(adm, "token %s needs --symbol", adm->action->name);
	memset(&t, 0, sizeof(t));
	if (copy_opt(t.symbol, sizeof(t.symbol), "symbol", v[0]) != 0)
		return 2;
	if (!create) {
		/* Start from what is stored: update changes only what is given. */
		enum cb_err rc = registry_token_get(adm->db, t.symbol, strlen(t.symbol), &old);

		if (rc == CB_ERR_NOT_FOUND)
			return fail("token update", "no token with that symbol");
		if (rc != CB_OK)
			return fail("token update", db_error(adm->db));
		t = old;
	} else {
		t.enabled = true;
		t.settlement = TOKEN_SETTLE_PLAIN;
		t.features = TOKEN_FEAT_MINTABLE | TOKEN_FEAT_BURNABLE;
		if (v[1] == NULL || v[2] == NULL || v[3] == NULL || v[4] == NULL)
			return admin_usage_error(adm, "token add needs --chain, --name, "
			    "--address and --decimals");
	}
	if (v[1] != NULL) {
		if ((cc = config_chain(adm->cfg, v[1])) == NULL)
			return fail("token", "--chain names no [chain NAME] section of the config");
		if (copy_opt(t.chain, sizeof(t.chain), "chain", v[1]) != 0)
			return 2;
		t.chain_id = cc->chain_id;
	}
	if (v[2] != NULL && copy_opt(t.name, sizeof(t.name), "name", v[2]) != 0)
		return 2;
	if (v[3] != NULL) {
		enum address_parse_result ar = address_parse(v[3], strlen(v[3]), &t.address);

		if (ar != ADDRESS_OK)
			return fail("--address", ar == ADDRESS_BAD_CHECKSUM ?
			    "mixed-case address fails its EIP-55 checksum" :
			    "expected 0x followed by 40 hex digits");
	}
	if (v[4] != NULL) {
		if (admin_opt_u64("decimals", v[4], AMOUNT_DECIMALS_MAX, &dec) != 0)
			return 2;
		t.decimals = (unsigned)dec;
	}
	if (v[5] != NULL) {
		if ((n = registry_settlement_parse(v[5], strlen(v[5]))) < 0)
			return fail("--settlement", "plain or keyed");
		t.settlement = (enum token_settlement)n;
	}
	if (v[6] != NULL) {
		if ((n = registry_features_parse(v[6], strlen(v[6]))) < 0)
			return fail("--features", "comma list of mintable, burnable, pausable, transfer");
		t.features = (unsigned)n;
	}
	if (v[7] != NULL && v[8] != NULL)
		return fail("token", "--disable and --enable together");
	if (v[7] != NULL)
		t.enabled = false;
	if (v[8] != NULL)
		t.enabled = true;
	if (registry_token_save(adm->db, &t, create, err, sizeof(err)) != CB_OK)
		return fail(create ? "token add" : "token update", err[0] ? err : db_error(adm->db));
	printf("%s token %s (id %u)\n", create ? "added" : "updated", t.symbol, t.id);
	return 0;
}

static int
strategy_show(struct admin *adm, const struct token *t)
{
	char thr[AMOUNT_STR_MAX];
	struct strategy s;
	unsigned i;

	if (registry_strategy_get(adm->db, t->id, &s) != CB_OK)
		return fail("strategy show", db_error(adm->db));
	printf("token %s%s\nmax_batch_size %u\nmax_wait %u\nmin_batch_size %u\n", t->symbol,
	    s.is_default ? " (defaults)" : "", s.max_batch_size, s.max_wait_seconds,
	    s.min_batch_size);
	if (s.has_threshold)
		amount_format(&s.value_threshold, t->decimals, false, thr, sizeof(thr));
	printf("value_threshold %s\npriority_reasons ", s.has_threshold ? thr : "-");
	for (i = 0; i < s.npriority; i++)
		printf("%s%s", i ? "," : "", s.priority_reasons[i]);
	printf("%s\n", s.npriority ? "" : "-");
	return 0;
}

static int
cmd_strategy(struct admin *adm)
{
	const char *const *v = adm->opt;	/* by index in strategy_set_opts */
	unsigned long long n;
	struct strategy s;
	struct token t;
	char err[256];
	enum cb_err rc;

	if (v[0] == NULL)
		return admin_usage_error(adm, "strategy %s needs --token", adm->action->name);
	rc = registry_token_get(adm->db, v[0], strlen(v[0]), &t);
	if (rc == CB_ERR_NOT_FOUND)
		return fail("strategy", "no token with that symbol");
	if (rc != CB_OK)
		return fail("strategy", db_error(adm->db));
	if (strcmp(adm->action->name, "show") == 0)
		return strategy_show(adm, &t);
	if (registry_strategy_get(adm->db, t.id, &s) != CB_OK)
		return fail("strategy", db_error(adm->db));
	if (v[1] != NULL) {
		if (admin_opt_u64("max-batch-size", v[1], 100000, &n) != 0)
			return 2;
		s.max_batch_size = (uint32_t)n;
	}
	if (v[2] != NULL) {
		if (admin_opt_u64("max-wait", v[2], 604800, &n) != 0)
			return 2;
		s.max_wait_seconds = (uint32_t)n;
	}
	if (v[3] != NULL) {
		if (admin_opt_u64("min-batch-size", v[3], 100000, &n) != 0)
			return 2;
		s.min_batch_size = (uint32_t)n;
	}
	if (v[4] != NULL) {
		enum amount_err ae = amount_parse(&s.value_threshold, v[4], strlen(v[4]),
		    t.decimals, AMOUNT_NONZERO | AMOUNT_NONNEGATIVE);

		if (ae != AMOUNT_OK)
			return fail("--value-threshold", amount_strerror(ae));
		s.has_threshold = true;
	}
	if (v[5] != NULL && split_list(v[5], &s.priority_reasons[0][0],
	    sizeof(s.priority_reasons[0]), STRATEGY_PRIORITY_MAX, &s.npriority) != 0)
		return fail("--priority-reasons", "comma list of reason names");
	if (registry_strategy_save(adm->db, t.id, &s, err, sizeof(err)) != CB_OK)
		return fail("strategy set", err[0] ? err : db_error(adm->db));
	printf("strategy for %s saved\n", t.symbol);
	return 0;
}

static int
reason_list(struct admin *adm)
{
	struct db_row row;
	struct reason r;
	unsigned i;
	int f;

	if (DB_EXEC0(adm->db, ST_REASON_LIST) != CB_OK)
		return fail("reason list", db_error(adm->db));
	printf("%-16s %-10s %-13s %-7s %s\n", "NAME", "AUTO_BATCH", "HIGH_PRIORITY", "ENABLED",
	    "ALLOWED_METADATA");
	while ((f = db_fetch(adm->db, ST_REASON_LIST, &row)) == 1) {
		if (registry_reason_from_row(&row, &r) != CB_OK)
			continue;
		printf("%-16s %-10s %-13s %-7s ", r.name, r.auto_batch ? "yes" : "no",
		    r.high_priority ? "yes" : "no", r.enabled ? "yes" : "no");
		if (r.any_metadata)
			printf("(any)");
		for (i = 0; i < r.nallowed; i++)
			printf("%s%s", i ? "," : "", r.allowed[i]);
		printf("\n");
	}
	db_done(adm->db, ST_REASON_LIST);
	return f < 0 ? 1 : 0;
}

static int
yes_no(const char *opt, const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
		*out = false;
	else {
		fprintf(stderr, "chainbridge-admin: --%s takes yes or no\n", opt);
		return -1;
	}
	return 0;
}

static int
cmd_reason(struct admin *adm)
{
	const char *const *v = adm->opt;	/* by index in reason_opts */
	struct reason r;
	char err[256];
	enum cb_err rc;

	if (strcmp(adm->action->name, "list") == 0)
		return reason_list(adm);
	if (v[0] == NULL)
		return admin_usage_error(adm, "reason set needs --name");
	rc = registry_reason_get(adm->db, v[0], strlen(v[0]), &r);
	if (rc == CB_ERR_NOT_FOUND) {
		memset(&r, 0, sizeof(r));
		r.any_metadata = true;
		r.auto_batch = true;
		r.enabled = true;
		if (copy_opt(r.name, sizeof(r.name), "name", v[0]) != 0)
			return 2;
	} else if (rc != CB_OK) {
		return fail("reason set", db_error(adm->db));
	}
	if (v[1] != NULL && copy_opt(r.description, sizeof(r.description), "description", v[1]) != 0)
		return 2;
	if (v[2] != NULL && v[3] != NULL)
		return fail("reason set", "--allowed-metadata and --any-metadata together");
	if (v[2] != NULL) {
		r.any_metadata = false;
		if (split_list(v[2], &r.allowed[0][0], sizeof(r.allowed[0]), REASON_META_KEYS_MAX,
		    &r.nallowed) != 0)
			return fail("--allowed-metadata", "comma list of keys of 1..64 bytes");
	}
	if (v[3] != NULL) {
		r.any_metadata = true;
		r.nallowed = 0;
	}
	if (v[4] != NULL && yes_no("auto-batch", v[4], &r.auto_batch) != 0)
		return 2;
	if (v[5] != NULL && yes_no("high-priority", v[5], &r.high_priority) != 0)
		return 2;
	if (v[6] != NULL && v[7] != NULL)
		return fail("reason set", "--disable and --enable together");
	if (v[6] != NULL)
		r.enabled = false;
	if (v[7] != NULL)
		r.enabled = true;
	if (registry_reason_save(adm->db, &r, err, sizeof(err)) != CB_OK)
		return fail("reason set", err[0] ? err : db_error(adm->db));
	printf("reason %s saved\n", r.name);
	return 0;
}

/* Option lists; the commands read adm->opt by these indices. */
static const char *const no_opts[] = { NULL };
static const char *const token_opts[] = { "symbol=", "chain=", "name=", "address=",
    "decimals=", "settlement=", "features=", "disable", "enable", NULL };
static const char *const strategy_set_opts[] = { "token=", "max-batch-size=",
    "max-wait=", "min-batch-size=", "value-threshold=", "priority-reasons=", NULL };
static const char *const strategy_show_opts[] = { "token=", NULL };
static const char *const reason_opts[] = { "name=", "description=", "allowed-metadata=",
    "any-metadata", "auto-batch=", "high-priority=", "disable", "enable", NULL };

_Static_assert(ARRAY_LEN(token_opts) <= ADMIN_OPTS_MAX, "too many options");
_Static_assert(ARRAY_LEN(strategy_set_opts) <= ADMIN_OPTS_MAX, "too many options");
_Static_assert(ARRAY_LEN(reason_opts) <= ADMIN_OPTS_MAX, "too many options");

static const struct admin_action token_actions[] = {
	{ "add", token_opts, "--symbol S --chain NAME --name N --address 0x... "
	  "--decimals D [--settlement plain|keyed] [--features LIST] [--disable|--enable]" },
	{ "update", token_opts, "--symbol S [--chain NAME] [--name N] [--address 0x...] "
	  "[--decimals D] [--settlement plain|keyed] [--features LIST] [--disable|--enable]" },
	{ "list", no_opts, "" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_token = {
	"token", "Register, change and list tokens",
	ADMIN_NEEDS_DB, cmd_token, token_actions,
};

static const struct admin_action strategy_actions[] = {
	{ "set", strategy_set_opts, "--token S [--max-batch-size N] [--max-wait SECONDS] "
	  "[--min-batch-size N] [--value-threshold AMOUNT] [--priority-reasons LIST]" },
	{ "show", strategy_show_opts, "--token S" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_strategy = {
	"strategy", "Set and show a token's batch strategy",
	ADMIN_NEEDS_DB, cmd_strategy, strategy_actions,
};

static const struct admin_action reason_actions[] = {
	{ "set", reason_opts, "--name N [--description TEXT] "
	  "[--allowed-metadata LIST|--any-metadata] [--auto-batch yes|no] "
	  "[--high-priority yes|no] [--disable|--enable]" },
	{ "list", no_opts, "" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_reason = {
	"reason", "Create, change and list the reasons of ledger changes",
	ADMIN_NEEDS_DB, cmd_reason, reason_actions,
};
