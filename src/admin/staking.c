/*
 * staking.c - chainbridge-admin staking add|list: the staking pools the
 * chain daemon follows and the API's staking routes serve (staking_pools).
 *
 *	staking add --chain NAME --address 0x.. --token SYMBOL --rate N [--rule per_hour_rate]
 *	staking list
 *
 * add registers a pool, or updates the token, rule and rate of the pool at
 * that address (and enables it again).  The rate is the contract's
 * rewardRatePerTokenPerHour: reward base units per whole staked token per
 * hour, an exact integer.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "money/amount.h"
#include "store/registry.h"
#include "store/stmts.h"

/* The reward rules the API can replay (src/api/stake_rewards.h). */
static const char *const staking_rules[] = { "per_hour_rate", NULL };

static int
staking_fail(const char *what, const char *msg)
{
	fprintf(stderr, "chainbridge-admin: %s: %s\n", what, msg);
	return 1;
}

static int
staking_list(struct admin *adm)
{
	char addr[ADDRESS_STR_SIZE], text[ADDRESS_HEX_LEN + 1];
	struct address a;
	struct db_row row;
	int r;

	if (DB_EXEC0(adm->db, ST_STAKING_POOL_LIST) != CB_OK)
		return staking_fail("staking list", db_error(adm->db));
	printf("%-4s %-10s %-42s %-10s %-14s %-24s %s\n", "ID", "CHAIN_ID", "ADDRESS", "TOKEN",
	    "RULE", "RATE", "ENABLED");
	/* id, chain_id, address, symbol, reward_rule, reward_rate, enabled */
	while ((r = db_fetch(adm->db, ST_STAKING_POOL_LIST, &row)) == 1) {
		if (row.val[2] == NULL || row.len[2] != 40)
			continue;
		text[0] = '0';
		text[1] = 'x';
		memcpy(text + 2, row.val[2], 40);
		text[ADDRESS_HEX_LEN] = '\0';
		if (address_parse(text, ADDRESS_HEX_LEN, &a) != ADDRESS_OK)
			continue;
		address_to_checksum(&a, addr);
		printf("%-4s %-10s %-42s %-10s %-14s %-24s %s\n", row.val[0], row.val[1], addr,
		    row.val[3] ? row.val[3] : "-", row.val[4] ? row.val[4] : "-",
		    row.val[5] ? row.val[5] : "-",
		    row.val[6] != NULL && row.val[6][0] == '1' ? "yes" : "no");
	}
	db_done(adm->db, ST_STAKING_POOL_LIST);
	return r < 0 ? 1 : 0;
}

/* True when s is 1..65 decimal digits without a leading zero (or "0"). */
static bool
staking_rate_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > AMOUNT_DIGITS_MAX || (n > 1 && s[0] == '0'))
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int
cmd_staking(struct admin *adm)
{
	const char *const *v = adm->opt;
	const char *rule = "per_hour_rate";
	const struct chain_config *cc;
	enum address_parse_result ar;
	struct address pool;
	struct token tok;
	enum cb_err rc;
	size_t i;

	if (strcmp(adm->action->name, "list") == 0)
		return staking_list(adm);
	if (v[0] == NULL || v[1] == NULL || v[2] == NULL || v[3] == NULL)
		return admin_usage_error(adm,
		    "staking add needs --chain, --address, --token and --rate");
	if ((cc = config_chain(adm->cfg, v[0])) == NULL)
		return staking_fail("staking add", "--chain names no [chain NAME] section of the config");
	if ((ar = address_parse(v[1], strlen(v[1]), &pool)) != ADDRESS_OK)
		return staking_fail("--address", ar == ADDRESS_BAD_CHECKSUM ?
		    "mixed-case address fails its EIP-55 checksum" :
		    "expected 0x followed by 40 hex digits");
	if (address_is_zero(&pool))
		return staking_fail("--address", "the zero address is no pool");
	rc = registry_token_get(adm->db, v[2], strlen(v[2]), &tok);
	if (rc == CB_ERR_NOT_FOUND)
		return staking_fail("--token", "no token with that symbol");
	if (rc != CB_OK)
		return staking_fail("staking add", db_error(adm->db));
	if (tok.chain_id != cc->chain_id)
		return staking_fail("--token", "the token is registered on another chain");
	if (!staking_rate_valid(v[3]))
		return staking_fail("--rate", "a whole number of reward base units per whole token"
		    " per hour, at most 65 digits");
	if (v[4] != NULL) {
		for (i = 0; staking_rules[i] != NULL; i++)
			if (strcmp(staking_rules[i], v[4]) == 0)
				break;
		if (staking_rules[i] == NULL)
			return staking_fail("--rule", "the only rule is per_hour_rate");
		rule = staking_rules[i];
	}
	if (DB_EXEC(adm->db, ST_STAKING_POOL_UPSERT, DB_U64(cc->chain_id),
	    DB_BLOB(pool.bytes, ADDRESS_LEN), DB_U64(tok.id), DB_CSTR(rule),
	    DB_CSTR(v[3])) != CB_OK)
		return staking_fail("staking add", db_error(adm->db));
	switch (db_affected(adm->db, ST_STAKING_POOL_UPSERT)) {
	case 1:
		printf("added staking pool %s on chain %s\n", v[1], cc->name);
		break;
	case 0:
		printf("staking pool %s on chain %s unchanged\n", v[1], cc->name);
		break;
	default:
		printf("updated staking pool %s on chain %s\n", v[1], cc->name);
		break;
	}
	return 0;
}

/* Option indices of add: chain 0, address 1, token 2, rate 3, rule 4. */
static const char *const staking_add_opts[] = { "chain=", "address=", "token=", "rate=",
	"rule=", NULL };
static const char *const staking_no_opts[] = { NULL };

static const struct admin_action staking_actions[] = {
	{ "add", staking_add_opts,
	  "--chain NAME --address 0x.. --token SYMBOL --rate N [--rule per_hour_rate]" },
	{ "list", staking_no_opts, "" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_staking = {
	"staking", "Register and list the staking pools the chain daemon follows",
	ADMIN_NEEDS_DB, cmd_staking, staking_actions,
};
