/*
 * routes.c - the route table of the ledger API (docs/api.md): every route
 * under /api/v1 with its handler, scope, body and query keys.
 */
#include "config.h"

#include "store/apikey.h"
#include "chainread.h"
#include "ledger.h"
#include "router.h"

static const char *const q_token[] = { "token_symbol", NULL };
static const char *const q_history[] = { "token_symbol", "limit", "cursor", NULL };
static const char *const q_batches[] = { "token_symbol", "status", "limit", "cursor", NULL };
static const char *const q_logs[] = {
	"address", "from_block", "to_block", "topic0", "limit", "cursor", NULL
};
static const char *const q_transfers[] = { "address", "limit", "cursor", NULL };
static const char *const q_pool[] = { "pool", NULL };
static const char *const q_stakes[] = { "active", "pool", "limit", "cursor", NULL };
static const char *const q_claims[] = { "pool", "limit", "cursor", NULL };

#define R	APIKEY_SCOPE_READ
#define W	APIKEY_SCOPE_WRITE
#define A	APIKEY_SCOPE_ADMIN

const struct route app_routes[] = {
	/* writes (docs/api.md) */
	{ HTTP_POST, "/api/v1/balance/adjust", h_balance_adjust, W, true, NULL,
	    "balance_adjust" },
	{ HTTP_POST, "/api/v1/rewards/distribute", h_rewards_distribute, W, true, NULL,
	    "rewards_distribute" },
	{ HTTP_POST, "/api/v1/consumption/deduct", h_consumption_deduct, W, true, NULL,
	    "consumption_deduct" },
	/* reads (docs/api.md) */
	{ HTTP_GET, "/api/v1/balance/{user_id}", h_balance_get, R, false, q_token,
	    "balance_get" },
	{ HTTP_GET, "/api/v1/balance/{user_id}/history", h_balance_history, R, false,
	    q_history, "balance_history" },
	{ HTTP_GET, "/api/v1/operations/{operation_id}", h_operations_get, R, false, NULL,
	    "operations_get" },
	{ HTTP_GET, "/api/v1/batches", h_batches_list, R, false, q_batches, "batches_list" },
	{ HTTP_GET, "/api/v1/batches/{id}", h_batches_get, R, false, NULL, "batches_get" },
	{ HTTP_GET, "/api/v1/tokens", h_tokens_list, R, false, NULL, "tokens_list" },
	{ HTTP_GET, "/api/v1/reasons", h_reasons_list, R, false, NULL, "reasons_list" },
	{ HTTP_POST, "/api/v1/wallets", h_wallets_bind, W, true, NULL, "wallets_bind" },
	{ HTTP_GET, "/api/v1/wallets/{user_id}", h_wallets_get, R, false, NULL,
	    "wallets_get" },
	/* chain data (docs/api.md, "Chain data") */
	{ HTTP_GET, "/api/v1/chains/{chain_id}/status", h_chains_status, R, false, NULL,
	    "chains_status" },
	{ HTTP_GET, "/api/v1/chains/{chain_id}/blocks/{number}", h_chains_block, R, false,
	    NULL, "chains_block" },
	{ HTTP_GET, "/api/v1/chains/{chain_id}/transactions/{hash}", h_chains_transaction, R,
	    false, NULL, "chains_transaction" },
	{ HTTP_GET, "/api/v1/chains/{chain_id}/logs", h_chains_logs, R, false, q_logs,
	    "chains_logs" },
	{ HTTP_GET, "/api/v1/tokens/{symbol}/supply", h_chain_tokens_supply, R, false, NULL,
	    "tokens_supply" },
	{ HTTP_GET, "/api/v1/tokens/{symbol}/balances/{address}", h_chain_tokens_balance, R,
	    false, NULL, "tokens_balance" },
	{ HTTP_GET, "/api/v1/tokens/{symbol}/transfers", h_chain_tokens_transfers, R, false,
	    q_transfers, "tokens_transfers" },
	{ HTTP_GET, "/api/v1/tokens/{symbol}/allowances/{owner}/{spender}",
	    h_chain_tokens_allowance, R, false, NULL, "tokens_allowance" },
	{ HTTP_GET, "/api/v1/staking/{chain_id}/total", h_staking_total, R, false, q_pool,
	    "staking_total" },
	{ HTTP_GET, "/api/v1/staking/{chain_id}/stakes/{stake_id}", h_staking_stake, R, false,
	    NULL, "staking_stake" },
	{ HTTP_GET, "/api/v1/staking/{chain_id}/users/{address}/stakes", h_staking_user_stakes,
	    R, false, q_stakes, "staking_user_stakes" },
	{ HTTP_GET, "/api/v1/staking/{chain_id}/users/{address}/claims", h_staking_user_claims,
	    R, false, q_claims, "staking_user_claims" },
	{ HTTP_GET, "/api/v1/staking/{chain_id}/users/{address}/rewards",
	    h_staking_user_rewards, R, false, q_pool, "staking_user_rewards" },
	/* verification against the node, reconciliation (docs/api.md) */
	{ HTTP_POST, "/api/v1/verify/transfer", h_verify_transfer, R, true, NULL,
	    "verify_transfer" },
	{ HTTP_POST, "/api/v1/verify/call", h_verify_call, R, true, NULL, "verify_call" },
	{ HTTP_POST, "/api/v1/verify/signature", h_verify_signature, R, true, NULL,
	    "verify_signature" },
	{ HTTP_POST, "/api/v1/verify/balance", h_verify_balance, R, true, NULL,
	    "verify_balance" },
	{ HTTP_GET, "/api/v1/reconcile", h_reconcile, R, false, q_token, "reconcile" },
	/* admin (docs/api.md) */
	{ HTTP_POST, "/api/v1/admin/tokens", h_tokens_create, A, true, NULL,
	    "admin_tokens_create" },
	{ HTTP_PUT, "/api/v1/admin/tokens/{symbol}", h_tokens_update, A, true, NULL,
	    "admin_tokens_update" },
	{ HTTP_PUT, "/api/v1/admin/reasons/{name}", h_reasons_put, A, true, NULL,
	    "admin_reasons_put" },
	{ HTTP_PUT, "/api/v1/admin/strategies/{symbol}", h_strategies_put, A, true, NULL,
	    "admin_strategies_put" },
};

const size_t app_routes_count = sizeof(app_routes) / sizeof(app_routes[0]);
