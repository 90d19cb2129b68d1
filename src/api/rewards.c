/*
 * rewards.c - POST /api/v1/rewards/distribute: credits of one token to
 * many recipients under the reason "reward" (docs/api.md).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ledger.h"
#include "worker.h"

#define REWARDS_TIER_MAX	64

const char *const rewards_keys[] = {
	"reward_batch", "recipients", "batch_id", "priority", NULL
};

static const char *const rewards_batch_keys[] = {
	"activity_id", "reward_type", "token_symbol", NULL
};

static const char *const rewards_recipient_keys[] = {
	"user_id", "amount", "tier", NULL
};

static const char *const rewards_meta_keys[] = {
	"activity_id", "reward_type", "reward_tier"
};

static const struct ledger_lookup rewards_lookup = {
	ledger_token_or_reply, ledger_reason_or_reply
};

int
rewards_parse_or_reply(struct req *req, struct resp *resp,
    const struct ledger_lookup *look, json_object *doc, struct ledger_write *lw,
    char detail[REWARDS_DETAIL_SIZE])
{
	const struct api_config *api = &req->w->cfg->api;
	struct json_verr err;
	json_object *batch, *rows, *row;
	const char *activity, *type, *sym, *tier, *vals[3];
	size_t activity_len, type_len, sym_len, tier_len, lens[3];
	size_t n, i, max_rows, base_off, base_len;
	char path[JSON_PATH_MAX];
	unsigned token, reason;
	int status, dlen;

	if (!json_get_object(doc, "", "reward_batch", true, &batch, &err) ||
	    !json_check_keys(batch, "reward_batch", rewards_batch_keys, &err) ||
	    !json_get_string(batch, "reward_batch", "activity_id", true, 1,
	    REWARDS_ACTIVITY_MAX, &activity, &activity_len, &err) ||
	    !json_get_string(batch, "reward_batch", "reward_type", true, 1,
	    REWARDS_TYPE_MAX, &type, &type_len, &err) ||
	    !json_get_string(batch, "reward_batch", "token_symbol", true, 1, 256,
	    &sym, &sym_len, &err))
		return http_error_verr(resp, &err);
	if ((status = look->token(req, resp, lw, sym, sym_len,
	    "reward_batch.token_symbol", &token)) != 0 ||
	    (status = look->reason(req, resp, lw, "reward", 6, NULL,
	    "reward_batch", &reason)) != 0 ||
	    (status = ledger_options_or_reply(resp, lw, doc)) != 0)
		return status;
	dlen = snprintf(detail, REWARDS_DETAIL_SIZE, "%.*s/%.*s", (int)type_len, type,
	    (int)activity_len, activity);
	if (dlen < 0 || (size_t)dlen > api->max_reason_detail) {
		json_verr_set(&err, "reward_batch.activity_id", "string_too_long",
		    "reward_type/activity_id is over the %zu bytes of a reason detail",
		    api->max_reason_detail);
		return http_error_verr(resp, &err);
	}
	if (ledger_arena_json(lw, batch, &lw->context_off, &lw->context_len) != CB_OK)
		return http_internal_error(resp, "rewards_context", CB_ERR_NOMEM);
	vals[0] = activity;
	lens[0] = activity_len;
	vals[1] = type;
	lens[1] = type_len;
	vals[2] = NULL;
	lens[2] = 0;
	/* Recipients without a tier share one metadata text. */
	if ((status = ledger_meta_pairs_or_reply(req, resp, lw, &lw->reasons[reason],
	    rewards_meta_keys, vals, lens, 3, "reward_batch", &base_off, &base_len)) != 0)
		return status;
	max_rows = api->max_rows < LEDGER_ROWS_HARD_MAX ? api->max_rows : LEDGER_ROWS_HARD_MAX;
	if (!json_get_array(doc, "", "recipients", true, 1, max_rows, &rows, &n, &err))
		return http_error_verr(resp, &err);
	for (i = 0; i < n; i++) {
		struct ledger_change *c;

		row = json_object_array_get_idx(rows, i);
		json_path_index(path, sizeof(path), "recipients", i);
		if (!json_check_keys(row, path, rewards_recipient_keys, &err) ||
		    !json_get_string(row, path, "tier", false, 1, REWARDS_TIER_MAX, &tier,
		    &tier_len, &err))
			return http_error_verr(resp, &err);
		if ((c = ledger_change_add(lw)) == NULL)
			return http_internal_error(resp, "rewards_row", CB_ERR_NOMEM);
		c->token = token;
		c->reason = reason;
		c->detail = detail;
		c->detail_len = (size_t)dlen;
		c->meta_off = base_off;
		c->meta_len = base_len;
		if ((status = ledger_user_id_or_reply(resp, row, path, "user_id", &c->user_id,
		    &c->user_id_len)) != 0 ||
		    (status = ledger_amount_or_reply(resp, row, path, "amount",
		    &lw->tokens[token], AMOUNT_NONZERO, &c->amount)) != 0)
			return status;
		if (tier != NULL) {
			char tpath[JSON_PATH_MAX];

			vals[2] = tier;
			lens[2] = tier_len;
			json_path_key(tpath, sizeof(tpath), path, "tier");
			status = ledger_meta_pairs_or_reply(req, resp, lw, &lw->reasons[reason],
			    rewards_meta_keys, vals, lens, 3, tpath, &c->meta_off, &c->meta_len);
			if (status != 0)
				return status;
		}
	}
	return 0;
}

int
h_rewards_distribute(struct req *req, struct resp *resp)
{
	struct ledger_write lw;
	json_object *doc = NULL;
	char detail[REWARDS_DETAIL_SIZE];
	int status;

	ledger_write_init(&lw, LEDGER_REWARD);
	/* A stored answer is returned as it was, before today's rules judge
	 * the body again. */
	if ((status = ledger_replay_or_reply(req, resp)) != 0)
		goto out;
	if ((doc = ledger_body_or_reply(req, resp, rewards_keys)) == NULL) {
		status = resp->status;
		goto out;
	}
	if ((status = rewards_parse_or_reply(req, resp, &rewards_lookup, doc, &lw,
	    detail)) != 0)
		goto out;
	status = ledger_commit_or_reply(req, resp, &lw, "recipients");
out:
	json_object_put(doc);
	ledger_write_free(&lw);
	return status;
}
