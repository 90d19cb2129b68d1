/*
 * chain.c - chainbridge-admin signer-address and rpc-check: what an
 * operator checks before starting the chain daemon.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "eth/address.h"
#include "admin.h"
#include "eth/rpc.h"
#include "eth/secp.h"
#include "money/u256.h"

/* Load a key file and print its EIP-55 address. */
static int
load_address(const char *path, struct address *out)
{
	struct secp_key *key = NULL;
	char err[256];

	if (secp_init() != CB_OK) {
		fprintf(stderr, "chainbridge-admin: cannot set up secp256k1\n");
		return 1;
	}
	if (secp_key_load(path, &key, err, sizeof(err)) != CB_OK) {
		fprintf(stderr, "chainbridge-admin: %s\n", err);
		return 1;
	}
	secp_key_address(key, out);
	secp_key_free(key);
	return 0;
}

/*
 * signer-address --key-file F needs no configuration at all; --chain NAME
 * loads it to find that chain's key_file.
 */
static int
cmd_signer_address(struct admin *adm)
{
	const char *key_file = adm->opt[0], *chain = adm->opt[1];
	const struct chain_config *cc;
	char text[ADDRESS_STR_SIZE];
	struct address a;

	if ((key_file == NULL) == (chain == NULL))
		return admin_usage_error(adm, "signer-address needs --key-file or --chain "
		    "(one of them)");
	if (chain != NULL) {
		if (admin_load_config(adm) != 0)
			return 1;
		cc = config_chain(adm->cfg, chain);
		if (cc == NULL || cc->key_file == NULL) {
			fprintf(stderr, "chainbridge-admin: no key_file for chain '%s' in %s\n",
			    chain, adm->cfg->path);
			return 1;
		}
		key_file = cc->key_file;
	}
	if (load_address(key_file, &a) != 0)
		return 1;
	address_to_checksum(&a, text);
	printf("%s\n", text);
	return 0;
}

static void
print_rpc_error(const char *what, enum cb_err rc, const struct rpc_error *e)
{
	if (rc == CB_ERR_RPC)
		fprintf(stderr, "  %s: node error %lld (%s): %s\n", what, (long long)e->code,
		    rpc_errclass_name(e->errclass), e->message);
	else
		fprintf(stderr, "  %s: %s\n", what, cb_strerror(rc));
}

/* Check one chain section; returns the number of problems found. */
static int
check_chain(const struct chain_config *cc)
{
	struct rpc_block_ref pending = { .tag = RPC_BLOCK_PENDING, .number = 0 };
	struct rpc_client *c;
	struct rpc_opts o;
	struct rpc_error e;
	struct address signer;
	char text[ADDRESS_STR_SIZE], dec[U256_DEC_MAX];
	uint64_t chain_id, head, nonce;
	u256 balance;
	enum cb_err rc;
	int problems = 0;

	printf("[chain %s] %s\n", cc->name, cc->rpc_url);
	rpc_opts_init(&o);
	o.timeout_ms = cc->rpc_timeout_ms;
	o.max_retries = 1;
	if ((c = rpc_client_new(cc->rpc_url, &o)) == NULL) {
		fprintf(stderr, "  cannot create an RPC client\n");
		return 1;
	}
	if ((rc = rpc_eth_chain_id(c, &chain_id, &e)) != CB_OK) {
		print_rpc_error("eth_chainId", rc, &e);
		problems++;
		goto out;
	}
	if (chain_id != cc->chain_id) {
		fprintf(stderr, "  chain id mismatch: node says %llu, config says %llu\n",
		    (unsigned long long)chain_id, (unsigned long long)cc->chain_id);
		problems++;
	} else {
		printf("  chain id      %llu (matches)\n", (unsigned long long)chain_id);
	}
	if ((rc = rpc_eth_block_number(c, &head, &e)) != CB_OK) {
		print_rpc_error("eth_blockNumber", rc, &e);
		problems++;
	} else {
		printf("  head block    %llu\n", (unsigned long long)head);
	}
	if (cc->key_file == NULL) {
		printf("  signer        (no key_file configured)\n");
		goto out;
	}
	if (load_address(cc->key_file, &signer) != 0) {
		problems++;
		goto out;
	}
	address_to_checksum(&signer, text);
	printf("  signer        %s\n", text);
	if ((rc = rpc_eth_get_balance(c, &signer, pending, &balance, &e)) != CB_OK) {
		print_rpc_error("eth_getBalance", rc, &e);
		problems++;
	} else {
		u256_to_dec(&balance, dec, sizeof(dec));
		printf("  balance       %s wei%s\n", dec,
		    u256_is_zero(&balance) ? " (fund it before starting the daemon)" : "");
		if (u256_is_zero(&balance))
			problems++;
	}
	if ((rc = rpc_eth_get_transaction_count(c, &signer, pending, &nonce, &e)) != CB_OK) {
		print_rpc_error("eth_getTransactionCount", rc, &e);
		problems++;
	} else {
		printf("  nonce         %llu (pending)\n", (unsigned long long)nonce);
	}
out:
	rpc_client_free(c);
	return problems;
}

static int
cmd_rpc_check(struct admin *adm)
{
	const char *const *v = adm->opt;
	size_t i;
	int problems = 0, checked = 0;

	if (rpc_global_init() != CB_OK) {
		fprintf(stderr, "chainbridge-admin: cannot initialise libcurl\n");
		return 1;
	}
	for (i = 0; i < adm->cfg->nchains; i++) {
		const struct chain_config *cc = &adm->cfg->chains[i];

		if (v[0] != NULL && strcmp(v[0], cc->name) != 0)
			continue;
		problems += check_chain(cc);
		checked++;
	}
	rpc_global_cleanup();
	if (checked == 0) {
		fprintf(stderr, "chainbridge-admin: no [chain%s%s] section in the config\n",
		    v[0] ? " " : " NAME", v[0] ? v[0] : "");
		return 1;
	}
	printf("%d problem%s\n", problems, problems == 1 ? "" : "s");
	return problems == 0 ? 0 : 1;
}

static const char *const signer_address_opts[] = { "key-file=", "chain=", NULL };
static const char *const rpc_check_opts[] = { "chain=", NULL };

static const struct admin_action signer_address_actions[] = {
	{ NULL, signer_address_opts, "--key-file FILE | --chain NAME" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_signer_address = {
	"signer-address", "Print the address of a signer key: the account to fund",
	ADMIN_NEEDS_NOTHING, cmd_signer_address, signer_address_actions,
};

static const struct admin_action rpc_check_actions[] = {
	{ NULL, rpc_check_opts, "[--chain NAME]" },
	{ NULL, NULL, NULL },
};

const struct admin_cmd admin_cmd_rpc_check = {
	"rpc-check", "Check each chain's node and signer before the daemon starts",
	ADMIN_NEEDS_CONFIG, cmd_rpc_check, rpc_check_actions,
};
