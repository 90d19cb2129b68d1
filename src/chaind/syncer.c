/*
 * syncer.c - the chain index role: follows the node's head, fetches block
 * headers and the logs of the tracked contracts (registered tokens and
 * staking pools), decodes them, maintains the aggregates (balances,
 * allowances, supply, stakes, pool totals) and rolls back what a reorg
 * replaced.  Each step commits whole batches: the blocks' rows, their
 * effects, their undo records and the checkpoint in one fenced
 * transaction, so a crash anywhere resumes without a gap or a double
 * count.  The design is docs/sync.md; the store side is sync_store.c.
 */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chaind.h"
#include "core/hex.h"
#include "core/log.h"
#include "core/monotime.h"
#include "eth/abi.h"
#include "sync.h"

/* Headers asked in one JSON-RPC batch. */
#define SYNC_HEADER_BATCH	250
/* Transactions asked in one JSON-RPC batch. */
#define SYNC_TX_BATCH		500
/* eth_call requests in one batch (allowance refreshes). */
#define SYNC_CALL_BATCH		200
/* Tries of an empty log answer for a block whose bloom says "maybe". */
#define SYNC_BLOOM_RETRIES	3
/* Blocks compared per round while looking for the common ancestor. */
#define SYNC_ANCESTOR_CHUNK	64

static void
sync_hex(char *out, size_t cap, const uint8_t *p, size_t n)
{
	(void)hex_encode(out, cap, p, n, true);
}

static struct sync_state *
sync_state_get(struct chaind *cd)
{
	if (cd->sync == NULL)
		cd->sync = calloc(1, sizeof(*cd->sync));
	return cd->sync;
}


static void
sync_batch_free(struct sync_batch *b)
{
	size_t i;

	for (i = 0; b->blocks != NULL && i < b->nblocks; i++)
		free(b->blocks[i].tx_hashes);
	free(b->blocks);
	for (i = 0; b->logs != NULL && i < b->nlogs; i++)
		rpc_log_clear(&b->logs[i]);
	free(b->logs);
	free(b->events);
	free(b->contract);
	free(b->txs);
	free(b->refresh);
	sync_map_free(&b->map);
	memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------- head */

/* The block number of a result object (a header), or false. */
static bool
sync_result_number(json_object *res, uint64_t *out)
{
	json_object *v;

	if (res == NULL || !json_object_is_type(res, json_type_object) ||
	    !json_object_object_get_ex(res, "number", &v) ||
	    !json_object_is_type(v, json_type_string))
		return false;
	return rpc_parse_quantity_u64(json_object_get_string(v),
	    (size_t)json_object_get_string_len(v), out) == CB_OK;
}

/*
 * Polls the head, and the safe and finalized tags when the chain's
 * finality says so, in one batch.  The finality point (undo is kept above
 * it) is the finalized tag, the safe tag, or head - finality_depth; a
 * node that does not serve the tags falls back to the depth, once logged.
 */
static enum cb_err
sync_poll_head(struct chaind *cd, struct sync_state *st, struct sync_batch *b)
{
	const struct chain_config *ch = cd->chain;
	struct rpc_batch *rb = NULL;
	struct rpc_error err;
	json_object *res, *p;
	bool tags = ch->finality != CONFIG_FINALITY_DEPTH && !st->tags_unsupported;
	uint64_t v;
	enum cb_err rc;
	size_t i;

	b->have_safe = b->have_finalized = false;
	if (!tags) {
		rc = rpc_eth_block_number(cd->rpc, &b->head, &err);
		if (rc != CB_OK) {
			chaind_count(cd, "rpc_errors", "eth_blockNumber", 1);
			return rc;
		}
		goto depth;
	}
	if ((rb = rpc_batch_new()) == NULL)
		return CB_ERR_NOMEM;
	rc = rpc_batch_add(rb, "eth_blockNumber", NULL, NULL);
	for (i = 0; rc == CB_OK && i < 2; i++) {
		if ((p = json_object_new_array()) == NULL) {
			rc = CB_ERR_NOMEM;
			break;
		}
		json_object_array_add(p, json_object_new_string(i == 0 ? "safe" : "finalized"));
		json_object_array_add(p, json_object_new_boolean(0));
		rc = rpc_batch_add(rb, "eth_getBlockByNumber", p, NULL);
		json_object_put(p);
	}
	if (rc == CB_OK)
		rc = rpc_batch_send(cd->rpc, rb, &err);
	if (rc == CB_OK)
		rc = rpc_batch_result(rb, 0, &res, &err);
	if (rc == CB_OK && (res == NULL || !json_object_is_type(res, json_type_string) ||
	    rpc_parse_quantity_u64(json_object_get_string(res),
	    (size_t)json_object_get_string_len(res), &b->head) != CB_OK))
		rc = CB_ERR_INVALID;
	if (rc != CB_OK) {
		chaind_count(cd, "rpc_errors", "eth_blockNumber", 1);
		goto out;
	}
	if (rpc_batch_result(rb, 1, &res, NULL) == CB_OK && sync_result_number(res, &v) &&
	    v <= b->head) {
		b->have_safe = true;
		b->safe = v;
	}
	if (rpc_batch_result(rb, 2, &res, NULL) == CB_OK && sync_result_number(res, &v) &&
	    v <= b->head) {
		b->have_finalized = true;
		b->finalized = v;
	}
	if ((ch->finality == CONFIG_FINALITY_FINALIZED && b->have_finalized) ||
	    (ch->finality == CONFIG_FINALITY_SAFE && b->have_safe)) {
		if (ch->finality == CONFIG_FINALITY_SAFE) {
			b->finalized = b->safe;
			b->have_finalized = true;
		}
		goto out;
	}
	st->tags_unsupported = true;
	log_warnx("finality_tags_unsupported", "chain=%s finality=%s fallback=depth depth=%u",
	    ch->name, config_finality_name(ch->finality), ch->finality_depth);
depth:
	b->finalized = b->head > ch->finality_depth ? b->head - ch->finality_depth : 0;
	b->have_finalized = b->head > ch->finality_depth;
out:
	rpc_batch_free(rb);
	if (rc == CB_OK)
		cd->head = b->head;
	return rc;
}

/* ---------------------------------------------------------- headers */

/* Fetches headers first..first+n-1 into blocks[]; every one must exist. */
static enum cb_err
sync_fetch_headers(struct sync_fetcher *f, uint64_t first, size_t n, struct sync_block *blocks,
    bool keep_tx_hashes)
{
	uint64_t numbers[SYNC_HEADER_BATCH];
	struct rpc_block rb[SYNC_HEADER_BATCH];
	enum cb_err statuses[SYNC_HEADER_BATCH];
	struct rpc_error err;
	size_t done, k, m;
	enum cb_err rc = CB_OK;

	for (done = 0; done < n; done += m) {
		m = n - done < SYNC_HEADER_BATCH ? n - done : SYNC_HEADER_BATCH;
		for (k = 0; k < m; k++)
			numbers[k] = first + done + k;
		rc = rpc_eth_get_blocks_by_number(f->rpc, numbers, m, rb, statuses, &err);
		if (rc != CB_OK) {
			f->counts[SYNC_FC_RPC_BLOCKS]++;
			return rc;
		}
		for (k = 0; k < m; k++) {
			struct sync_block *sb = &blocks[done + k];

			if (statuses[k] != CB_OK) {
				if (rc == CB_OK)
					rc = statuses[k] == CB_ERR_NOT_FOUND ?
					    CB_ERR_NOT_FOUND : statuses[k];
				continue;
			}
			memset(sb, 0, sizeof(*sb));
			sb->number = rb[k].number;
			memcpy(sb->hash, rb[k].hash.bytes, 32);
			memcpy(sb->parent, rb[k].parent_hash.bytes, 32);
			sb->timestamp = rb[k].timestamp;
			memcpy(sb->bloom, rb[k].logs_bloom, 256);
			sb->has_base_fee = rb[k].has_base_fee;
			sb->base_fee = rb[k].base_fee_per_gas;
			sb->gas_used = rb[k].gas_used;
			sb->tx_count = rb[k].tx_count > UINT32_MAX ? UINT32_MAX :
			    (uint32_t)rb[k].tx_count;
			if (keep_tx_hashes) {
				sb->tx_hashes = rb[k].tx_hashes;
				rb[k].tx_hashes = NULL;
			}
			rpc_block_clear(&rb[k]);
		}
		if (rc != CB_OK)
			return rc;
	}
	return CB_OK;
}

/* ------------------------------------------------------------- logs */

static int
sync_log_cmp(const void *pa, const void *pb)
{
	const struct rpc_log *a = pa, *b = pb;

	if (a->block_number != b->block_number)
		return a->block_number < b->block_number ? -1 : 1;
	if (a->log_index != b->log_index)
		return a->log_index < b->log_index ? -1 : 1;
	return 0;
}

/* Appends list's logs to the batch's (taking them over). */
static enum cb_err
sync_take_logs(struct sync_batch *b, struct rpc_log_list *list)
{
	struct rpc_log *nl;

	if (list->count == 0)
		return CB_OK;
	nl = realloc(b->logs, (b->nlogs + list->count) * sizeof(*nl));
	if (nl == NULL)
		return CB_ERR_NOMEM;
	memcpy(nl + b->nlogs, list->logs, list->count * sizeof(*nl));
	b->logs = nl;
	b->nlogs += list->count;
	free(list->logs);
	list->logs = NULL;
	list->count = 0;
	return CB_OK;
}

/*
 * eth_getLogs of every tracked contract over the batch's blocks (or one
 * block by hash).  A refusal is returned as CB_ERR_TOO_LARGE so that the
 * caller shrinks the range.
 */
static enum cb_err
sync_get_logs(struct sync_fetcher *fe, uint64_t from, uint64_t to,
    const uint8_t *block_hash, struct rpc_log_list *out)
{
	struct rpc_log_filter f;
	struct rpc_log_list part;
	struct rpc_error err;
	struct hash32 bh;
	size_t done, n;
	enum cb_err rc = CB_OK;

	out->logs = NULL;
	out->count = 0;
	if (block_hash != NULL)
		memcpy(bh.bytes, block_hash, 32);
	for (done = 0; done < fe->ncontracts; done += n) {
		n = fe->ncontracts - done;
		if (n > RPC_FILTER_MAX_ADDRESSES)
			n = RPC_FILTER_MAX_ADDRESSES;
		memset(&f, 0, sizeof(f));
		f.from_block = from;
		f.to_block = to;
		f.block_hash = block_hash != NULL ? &bh : NULL;
		f.addresses = &fe->addresses[done];
		f.address_count = n;
		rc = rpc_eth_get_logs(fe->rpc, &f, &part, &err);
		if (rc != CB_OK) {
			if (sync_range_refusal(rc, &err))
				rc = CB_ERR_TOO_LARGE;
			else
				fe->counts[SYNC_FC_RPC_LOGS]++;
			break;
		}
		if (out->count == 0) {
			*out = part;
			continue;
		}
		{
			struct rpc_log *nl = realloc(out->logs,
			    (out->count + part.count) * sizeof(*nl));

			if (nl == NULL) {
				rpc_log_list_clear(&part);
				rc = CB_ERR_NOMEM;
				break;
			}
			memcpy(nl + out->count, part.logs, part.count * sizeof(*nl));
			out->logs = nl;
			out->count += part.count;
			free(part.logs);
		}
	}
	if (rc != CB_OK)
		rpc_log_list_clear(out);
	return rc;
}

/* Index of the tracked contract at address, or SIZE_MAX. */
static size_t
sync_contract_find(const struct sync_contract *contracts, size_t ncontracts,
    const uint8_t address[20])
{
	size_t lo = 0, hi = ncontracts;

	/* The tracked set is sorted by address (ST_SYNC_TRACKED). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(contracts[mid].address.bytes, address, 20);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

/*
 * Checks the logs against the headers: each belongs to a block of the
 * batch by number and hash, to a tracked contract, is not removed, and no
 * (block, log index) comes twice.  Sorts them into chain order.  Returns
 * CB_ERR_CONFLICT when the chain moved between the calls (fetch again),
 * CB_ERR_INVALID for an answer that cannot be right.
 */
static enum cb_err
sync_check_logs(struct sync_fetcher *f, struct sync_batch *b)
{
	size_t i;

	/* A batch without logs has none to sort (and qsort must not get NULL). */
	if (b->nlogs > 1)
		qsort(b->logs, b->nlogs, sizeof(*b->logs), sync_log_cmp);
	for (i = 0; i < b->nlogs; i++) {
		const struct rpc_log *l = &b->logs[i];
		const struct sync_block *sb;

		if (l->block_number < b->from || l->block_number > b->to ||
		    sync_contract_find(f->contracts, f->ncontracts, l->address.bytes) == SIZE_MAX ||
		    l->log_index > UINT32_MAX || l->tx_index > UINT32_MAX) {
			log_warnx("sync_bad_log", "chain=%s block=%" PRIu64 " log_index=%" PRIu64,
			    f->chain->name, l->block_number, l->log_index);
			return CB_ERR_INVALID;
		}
		if (i > 0 && sync_log_cmp(&b->logs[i - 1], l) == 0)
			return CB_ERR_INVALID;
		sb = &b->blocks[l->block_number - b->from];
		if (l->removed || memcmp(l->block_hash.bytes, sb->hash, 32) != 0) {
			f->counts[SYNC_FC_RACED]++;
			return CB_ERR_CONFLICT;
		}
	}
	return CB_OK;
}

/* True when the block's bloom says a tracked contract may have logged. */
static bool
sync_bloom_says_maybe(const struct sync_fetcher *f, const struct sync_block *sb)
{
	size_t i;

	if (sync_bloom_empty(sb->bloom))
		return false;
	for (i = 0; i < f->ncontracts; i++)
		if (sync_bloom_test(sb->bloom, &f->contracts[i].bloom))
			return true;
	return false;
}

/*
 * An empty answer for a block whose bloom may hold a tracked contract is
 * not believed: that block is asked again by hash, a few times, before
 * the emptiness is taken as a bloom false positive.
 */
static enum cb_err
sync_bloom_recheck(struct sync_fetcher *f, struct sync_batch *b)
{
	struct rpc_log_list list;
	size_t i, k, nb = b->nblocks;
	bool *has;
	unsigned attempt;
	enum cb_err rc = CB_OK;

	if ((has = calloc(nb, sizeof(*has))) == NULL)
		return CB_ERR_NOMEM;
	for (k = 0; k < b->nlogs; k++)
		has[b->logs[k].block_number - b->from] = true;
	for (i = 0; i < nb && rc == CB_OK; i++) {
		const struct sync_block *sb = &b->blocks[i];

		if (has[i] || !sync_bloom_says_maybe(f, sb))
			continue;
		for (attempt = 0; attempt < SYNC_BLOOM_RETRIES; attempt++) {
			rc = sync_get_logs(f, 0, 0, sb->hash, &list);
			if (rc != CB_OK)
				break;
			f->counts[SYNC_FC_BLOOM_RETRIES]++;
			if (list.count > 0) {
				log_warnx("sync_empty_answer_refuted", "chain=%s block=%" PRIu64
				    " logs=%zu attempt=%u", f->chain->name, sb->number,
				    list.count, attempt + 1);
				rc = sync_take_logs(b, &list);
				rpc_log_list_clear(&list);
				break;
			}
		}
		if (rc == CB_OK && attempt == SYNC_BLOOM_RETRIES)
			f->counts[SYNC_FC_BLOOM_FP]++;
	}
	free(has);
	return rc;
}

/* ------------------------------------------------------ transactions */

static int
sync_hash_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/*
 * The transactions of the batch: those that emitted a tracked log, or
 * every one with sync_all_transactions.  eth_getTransactionByHash in
 * batches; each must sit in the batch's block of that hash.
 */
static enum cb_err
sync_fetch_txs(struct sync_fetcher *f, struct sync_batch *b)
{
	uint8_t (*hashes)[32] = NULL;
	uint8_t (*logged)[32] = NULL;
	size_t n = 0, cap = 0, nlogged = 0, i, k, done, m;
	struct rpc_tx *txs = NULL;
	enum cb_err *statuses = NULL;
	struct hash32 *want = NULL;
	struct rpc_error err;
	enum cb_err rc = CB_OK;

	if (b->nlogs > 0 && (logged = malloc(b->nlogs * 32)) == NULL)
		return CB_ERR_NOMEM;
	for (i = 0; i < b->nlogs; i++)
		memcpy(logged[nlogged++], b->logs[i].tx_hash.bytes, 32);
	if (nlogged > 1)
		qsort(logged, nlogged, 32, sync_hash_cmp);
	if (f->chain->sync_all_transactions) {
		for (i = 0; i < b->nblocks; i++)
			cap += b->blocks[i].tx_count;
		if (cap > 0 && (hashes = malloc(cap * 32)) == NULL) {
			rc = CB_ERR_NOMEM;
			goto out;
		}
		for (i = 0; i < b->nblocks; i++)
			for (k = 0; k < b->blocks[i].tx_count && b->blocks[i].tx_hashes; k++)
				memcpy(hashes[n++], b->blocks[i].tx_hashes[k].bytes, 32);
	} else {
		hashes = logged;
		logged = NULL;
		/* Distinct hashes: logged is sorted. */
		for (i = 0; i < nlogged; i++)
			if (n == 0 || memcmp(hashes[n - 1], hashes[i], 32) != 0)
				memmove(hashes[n++], hashes[i], 32);
		logged = hashes;
		nlogged = n;
	}
	if (n == 0)
		goto out;
	if ((b->txs = calloc(n, sizeof(*b->txs))) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	if ((txs = calloc(SYNC_TX_BATCH, sizeof(*txs))) == NULL ||
	    (statuses = calloc(SYNC_TX_BATCH, sizeof(*statuses))) == NULL ||
	    (want = calloc(SYNC_TX_BATCH, sizeof(*want))) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	for (done = 0; done < n && rc == CB_OK; done += m) {
		m = n - done < SYNC_TX_BATCH ? n - done : SYNC_TX_BATCH;
		for (k = 0; k < m; k++)
			memcpy(want[k].bytes, hashes[done + k], 32);
		rc = rpc_eth_get_transactions_by_hash(f->rpc, want, m, txs, statuses, &err);
		if (rc != CB_OK) {
			f->counts[SYNC_FC_RPC_TXS]++;
			break;
		}
		for (k = 0; k < m; k++) {
			struct sync_tx *t = &b->txs[b->ntxs];
			const struct rpc_tx *tx = &txs[k];
			const struct sync_block *sb;

			if (rc != CB_OK)
				break;
			if (statuses[k] != CB_OK) {
				/* Unknown now: the chain moved since the logs. */
				rc = statuses[k] == CB_ERR_NOT_FOUND ? CB_ERR_CONFLICT : statuses[k];
				break;
			}
			if (!tx->mined || memcmp(tx->hash.bytes, hashes[done + k], 32) != 0 ||
			    tx->block_number < b->from || tx->block_number > b->to ||
			    tx->tx_index > UINT32_MAX) {
				rc = tx->mined ? CB_ERR_INVALID : CB_ERR_CONFLICT;
				break;
			}
			sb = &b->blocks[tx->block_number - b->from];
			if (memcmp(tx->block_hash.bytes, sb->hash, 32) != 0) {
				rc = CB_ERR_CONFLICT;
				break;
			}
			memcpy(t->hash, tx->hash.bytes, 32);
			t->block = tx->block_number;
			t->tx_index = tx->tx_index;
			t->from = tx->from;
			t->has_to = tx->has_to;
			if (tx->has_to)
				t->to = tx->to;
			t->value = tx->value;
			t->nonce = tx->nonce;
			/* A transaction that emitted a log succeeded. */
			t->has_status = bsearch(t->hash, logged, nlogged, 32,
			    sync_hash_cmp) != NULL;
			t->input_head_len = tx->input_len < 4 ? tx->input_len : 4;
			if (t->input_head_len > 0)
				memcpy(t->input_head, tx->input, t->input_head_len);
			b->ntxs++;
		}
		for (k = 0; k < m; k++)
			rpc_tx_clear(&txs[k]);
	}
out:
	free(txs);
	free(statuses);
	free(want);
	if (hashes != logged)
		free(hashes);
	free(logged);
	return rc;
}

/* -------------------------------------------------- allowance refresh */

/*
 * OpenZeppelin's ERC-20 spends an allowance in transferFrom without an
 * Approval event, so the events alone cannot tell an allowance.  At the
 * end of every block in which an owner sent tokens, each allowance of
 * that owner the index knows (non-zero, or approved in this batch) is
 * read from the node at that very block (by hash, EIP-1898); a value that
 * differs from the tracked one replaces it (docs/sync.md, "Allowances").
 */
struct sync_cand {
	size_t		 agg;
	uint64_t	 block;
};

static int
sync_agg_key_cmp(const void *pa, const void *pb, void *arg)
{
	const struct sync_map *m = arg;

	return memcmp(m->aggs[*(const size_t *)pa].key, m->aggs[*(const size_t *)pb].key, 60);
}

/* qsort_r is a GNU/BSD extension with different argument orders; a file
 * static carries the map instead. */
static const struct sync_map *sync_sort_map;

static int
sync_allow_cmp(const void *pa, const void *pb)
{
	return sync_agg_key_cmp(pa, pb, (void *)(uintptr_t)sync_sort_map);
}

static enum cb_err
sync_refresh_allowances(struct chaind *cd, const struct sync_state *st,
    struct sync_batch *b)
{
	struct sync_map *m = &b->map;
	size_t *allow = NULL, nallow = 0, i, k, lo, hi;
	struct sync_cand *cand = NULL;
	size_t ncand = 0, capcand = 0, done, n;
	struct rpc_batch *rb = NULL;
	struct rpc_error err;
	uint8_t sel[ABI_SELECTOR_LEN];
	enum cb_err rc = CB_OK;

	for (i = 0; i < m->count; i++)
		if (m->aggs[i].target == SYNC_T_ALLOWANCE)
			nallow++;
	if (nallow == 0)
		return CB_OK;
	if ((allow = malloc(nallow * sizeof(*allow))) == NULL)
		return CB_ERR_NOMEM;
	for (i = 0, k = 0; i < m->count; i++)
		if (m->aggs[i].target == SYNC_T_ALLOWANCE)
			allow[k++] = i;
	sync_sort_map = m;
	qsort(allow, nallow, sizeof(*allow), sync_allow_cmp);
	for (i = 0; i < b->nlogs; i++) {
		const struct sync_event *ev = &b->events[i];
		const struct sync_contract *c = &st->contracts[b->contract[i]];
		uint8_t prefix[40];

		if (ev->kind != SYNC_EV_TRANSFER || address_is_zero(&ev->a))
			continue;
		memcpy(prefix, c->address.bytes, 20);
		memcpy(prefix + 20, ev->a.bytes, 20);
		/* First allowance entry with this token||owner prefix. */
		for (lo = 0, hi = nallow; lo < hi;) {
			size_t mid = lo + (hi - lo) / 2;

			if (memcmp(m->aggs[allow[mid]].key, prefix, 40) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (k = lo; k < nallow && memcmp(m->aggs[allow[k]].key, prefix, 40) == 0; k++) {
			size_t j;
			bool dup = false;

			/* One read per allowance and block. */
			for (j = ncand; j > 0 && cand[j - 1].block == b->logs[i].block_number; j--)
				if (cand[j - 1].agg == allow[k]) {
					dup = true;
					break;
				}
			if (dup)
				continue;
			if (ncand == capcand) {
				size_t nc = capcand == 0 ? 16 : capcand * 2;
				struct sync_cand *p = realloc(cand, nc * sizeof(*p));

				if (p == NULL) {
					rc = CB_ERR_NOMEM;
					goto out;
				}
				cand = p;
				capcand = nc;
			}
			cand[ncand].agg = allow[k];
			cand[ncand].block = b->logs[i].block_number;
			ncand++;
		}
	}
	if (ncand == 0)
		goto out;
	if ((b->refresh = calloc(ncand, sizeof(*b->refresh))) == NULL) {
		rc = CB_ERR_NOMEM;
		goto out;
	}
	abi_selector("allowance(address,address)", sel);
	for (done = 0; done < ncand && rc == CB_OK; done += n) {
		n = ncand - done < SYNC_CALL_BATCH ? ncand - done : SYNC_CALL_BATCH;
		rpc_batch_free(rb);
		if ((rb = rpc_batch_new()) == NULL) {
			rc = CB_ERR_NOMEM;
			break;
		}
		for (k = 0; k < n && rc == CB_OK; k++) {
			const struct sync_agg *a = &m->aggs[cand[done + k].agg];
			const struct sync_block *sb = &b->blocks[cand[done + k].block - b->from];
			char data[2 + 2 * (4 + 64) + 1], to[43], bh[67];
			uint8_t call[4 + 64];
			json_object *p, *msg, *ref;

			memcpy(call, sel, 4);
			memset(call + 4, 0, 64);
			memcpy(call + 4 + 12, a->key + 20, 20);
			memcpy(call + 4 + 32 + 12, a->key + 40, 20);
			sync_hex(data, sizeof(data), call, sizeof(call));
			sync_hex(to, sizeof(to), a->key, 20);
			sync_hex(bh, sizeof(bh), sb->hash, 32);
			p = json_object_new_array();
			msg = json_object_new_object();
			ref = json_object_new_object();
			if (p == NULL || msg == NULL || ref == NULL) {
				json_object_put(p);
				json_object_put(msg);
				json_object_put(ref);
				rc = CB_ERR_NOMEM;
				break;
			}
			json_object_object_add(msg, "to", json_object_new_string(to));
			json_object_object_add(msg, "data", json_object_new_string(data));
			json_object_object_add(ref, "blockHash", json_object_new_string(bh));
			json_object_array_add(p, msg);
			json_object_array_add(p, ref);
			rc = rpc_batch_add(rb, "eth_call", p, NULL);
			json_object_put(p);
		}
		if (rc == CB_OK && (rc = rpc_batch_send(cd->rpc, rb, &err)) != CB_OK)
			chaind_count(cd, "rpc_errors", "eth_call", 1);
		for (k = 0; k < n && rc == CB_OK; k++) {
			struct sync_refresh *r = &b->refresh[b->nrefresh];
			json_object *res;
			uint8_t *out = NULL;
			size_t outlen = 0;

			if ((rc = rpc_batch_result(rb, k, &res, &err)) != CB_OK) {
				/* The block's state is gone (a reorg, or a node
				 * without that history): try the batch again. */
				log_warnx("sync_allowance_read", "chain=%s block=%" PRIu64
				    " err=%s detail=%.120s", cd->chain->name, cand[done + k].block,
				    cb_errcode(rc), err.message);
				chaind_count(cd, "rpc_errors", "eth_call", 1);
				break;
			}
			if (res == NULL || !json_object_is_type(res, json_type_string) ||
			    rpc_parse_data(json_object_get_string(res),
			    (size_t)json_object_get_string_len(res), 64, &out, &outlen) != CB_OK ||
			    outlen != 32) {
				free(out);
				rc = CB_ERR_INVALID;
				break;
			}
			abi_word_uint256(out, &r->value);
			free(out);
			r->agg = cand[done + k].agg;
			r->block = cand[done + k].block;
			b->nrefresh++;
		}
	}
out:
	rpc_batch_free(rb);
	free(cand);
	free(allow);
	return rc;
}

/* ------------------------------------------------------- aggregates */

static size_t
sync_key2(struct sync_map *m, enum sync_target t, const uint8_t *a, const uint8_t *b2,
    const uint8_t *c)
{
	uint8_t key[SYNC_KEY_MAX];
	size_t n = 20;

	memcpy(key, a, 20);
	if (b2 != NULL) {
		memcpy(key + 20, b2, 20);
		n = 40;
	}
	if (c != NULL) {
		memcpy(key + 40, c, 20);
		n = 60;
	}
	return sync_map_find(m, t, key, n, true);
}

static size_t
sync_stake_key(struct sync_map *m, const struct rpc_log *l)
{
	uint8_t key[36];

	memcpy(key, l->tx_hash.bytes, 32);
	key[32] = (uint8_t)(l->log_index >> 24);
	key[33] = (uint8_t)(l->log_index >> 16);
	key[34] = (uint8_t)(l->log_index >> 8);
	key[35] = (uint8_t)l->log_index;
	return sync_map_find(m, SYNC_T_STAKE, key, sizeof(key), true);
}

/*
 * Decodes the logs and registers every aggregate row they touch, then
 * loads those rows (and the open stakes of unstaking users) from the
 * store.
 */
static enum cb_err
sync_register(struct chaind *cd, const struct sync_state *st, struct sync_batch *b)
{
	struct sync_map *m = &b->map;
	size_t i, idx;
	enum cb_err rc;

	if (b->nlogs > 0 && ((b->events = calloc(b->nlogs, sizeof(*b->events))) == NULL ||
	    (b->contract = calloc(b->nlogs, sizeof(*b->contract))) == NULL))
		return CB_ERR_NOMEM;
	for (i = 0; i < b->nlogs; i++) {
		const struct rpc_log *l = &b->logs[i];
		size_t ci = sync_contract_find(st->contracts, st->ncontracts, l->address.bytes);
		struct sync_event *ev = &b->events[i];
		const struct sync_contract *c;
		const uint8_t *ca;

		/* The tracked set changed since the fetch: look again. */
		if (ci == SIZE_MAX)
			return CB_ERR_CONFLICT;
		c = &st->contracts[ci];
		ca = c->address.bytes;

		b->contract[i] = ci;
		b->blocks[l->block_number - b->from].log_count++;
		idx = 0;
		switch (sync_decode(l, c->kind, ev)) {
		case SYNC_EV_TRANSFER:
			if (!address_is_zero(&ev->a)) {
				idx = sync_key2(m, SYNC_T_BALANCE, ca, ev->a.bytes, NULL);
				/* The owner's allowances may be spent. */
				if (idx != SIZE_MAX)
					idx = sync_key2(m, SYNC_T_OWNER, ca, ev->a.bytes, NULL);
			}
			if (idx != SIZE_MAX && !address_is_zero(&ev->b))
				idx = sync_key2(m, SYNC_T_BALANCE, ca, ev->b.bytes, NULL);
			if (idx != SIZE_MAX && (address_is_zero(&ev->a) || address_is_zero(&ev->b)))
				idx = sync_key2(m, SYNC_T_SUPPLY, ca, NULL, NULL);
			break;
		case SYNC_EV_APPROVAL:
			idx = sync_key2(m, SYNC_T_ALLOWANCE, ca, ev->a.bytes, ev->b.bytes);
			break;
		case SYNC_EV_STAKED:
			idx = sync_key2(m, SYNC_T_POOL_TOTAL, ca, NULL, NULL);
			break;
		case SYNC_EV_UNSTAKED:
			idx = sync_key2(m, SYNC_T_POOL_TOTAL, ca, NULL, NULL);
			if (idx != SIZE_MAX)
				idx = sync_key2(m, SYNC_T_STAKER, ca, ev->a.bytes, NULL);
			break;
		default:
			break;
		}
		if (idx == SIZE_MAX)
			return CB_ERR_NOMEM;
	}
	if ((rc = sync_store_load(cd, b)) != CB_OK)
		return rc;
	for (i = 0; i < m->count; i++)
		if (m->aggs[i].target == SYNC_T_STAKER &&
		    (rc = sync_store_load_stakes(cd, b, i)) != CB_OK)
			return rc;
	return CB_OK;
}

/* Marks entry i changed in block n (recording its undo first). */
static enum cb_err
sync_change(struct sync_batch *b, size_t i, uint64_t n)
{
	struct sync_agg *a;
	enum cb_err rc;

	rc = sync_map_touch(&b->map, i, n, !b->have_finalized || n > b->finalized);
	if (rc != CB_OK)
		return rc;
	a = &b->map.aggs[i];
	a->exists = true;
	a->dirty = true;
	a->updated_block = n;
	return CB_OK;
}

static size_t
sync_get(struct sync_batch *b, enum sync_target t, const uint8_t *a, const uint8_t *k2,
    const uint8_t *k3)
{
	return sync_key2(&b->map, t, a, k2, k3);
}

/* Applies the allowance reads of block n (they hold its end state). */
static enum cb_err
sync_apply_refresh(struct sync_batch *b, size_t *next, uint64_t n)
{
	enum cb_err rc;

	for (; *next < b->nrefresh && b->refresh[*next].block <= n; (*next)++) {
		const struct sync_refresh *r = &b->refresh[*next];
		struct sync_agg *a = &b->map.aggs[r->agg];
		struct sync_val v;

		sync_val_set(&v, &r->value);
		if (sync_val_eq(&a->val, &v) && (a->exists || u256_is_zero(&r->value)))
			continue;
		if ((rc = sync_change(b, r->agg, r->block)) != CB_OK)
			return rc;
		b->map.aggs[r->agg].val = v;
	}
	return CB_OK;
}

/*
 * Unstaked: the amount comes out of the user's open stakes oldest first
 * (docs/sync.md, "Stakes").  More than the stakes hold (which a working
 * pool never emits) is logged and counted.
 */
static enum cb_err
sync_unstake(struct chaind *cd, struct sync_batch *b, size_t staker, const u256 *amount,
    uint64_t n)
{
	struct sync_map *m = &b->map;
	u256 left = *amount;
	size_t i;
	enum cb_err rc;

	for (i = m->aggs[staker].first; i != SIZE_MAX && !u256_is_zero(&left);
	    i = m->aggs[i].next) {
		struct sync_agg *s = &m->aggs[i];
		u256 take;

		if (s->val.bad || s->val.neg || u256_is_zero(&s->val.mag))
			continue;
		take = u256_cmp(&s->val.mag, &left) < 0 ? s->val.mag : left;
		if ((rc = sync_change(b, i, n)) != CB_OK)
			return rc;
		s = &m->aggs[i];
		/* A stake keeps its own block as updated_block. */
		s->updated_block = s->stake_block;
		sync_val_sub(&s->val, &take);
		(void)u256_sub(&left, &left, &take);
	}
	if (!u256_is_zero(&left)) {
		log_warnx("sync_unstake_excess", "chain=%s block=%" PRIu64, cd->chain->name, n);
		chaind_count(cd, "sync_unstake_excess", NULL, 1);
	}
	return CB_OK;
}

/* Walks the events in chain order and computes every aggregate. */
static enum cb_err
sync_apply(struct chaind *cd, const struct sync_state *st, struct sync_batch *b)
{
	struct sync_map *m = &b->map;
	size_t i, next_refresh = 0, idx, s;
	enum cb_err rc;

	for (i = 0; i < b->nlogs; i++) {
		const struct rpc_log *l = &b->logs[i];
		const struct sync_event *ev = &b->events[i];
		const uint8_t *ca = st->contracts[b->contract[i]].address.bytes;
		uint64_t n = l->block_number;

		if (i > 0 && b->logs[i - 1].block_number != n &&
		    (rc = sync_apply_refresh(b, &next_refresh, b->logs[i - 1].block_number)) != CB_OK)
			return rc;
		switch (ev->kind) {
		case SYNC_EV_TRANSFER:
			if (address_is_zero(&ev->a) || address_is_zero(&ev->b)) {
				idx = sync_get(b, SYNC_T_SUPPLY, ca, NULL, NULL);
				if ((rc = sync_change(b, idx, n)) != CB_OK)
					return rc;
				if (address_is_zero(&ev->a))
					sync_val_add(&m->aggs[idx].val, &ev->value);
				if (address_is_zero(&ev->b))
					sync_val_sub(&m->aggs[idx].val, &ev->value);
			}
			if (!address_is_zero(&ev->a)) {
				idx = sync_get(b, SYNC_T_BALANCE, ca, ev->a.bytes, NULL);
				if ((rc = sync_change(b, idx, n)) != CB_OK)
					return rc;
				sync_val_sub(&m->aggs[idx].val, &ev->value);
			}
			if (!address_is_zero(&ev->b)) {
				idx = sync_get(b, SYNC_T_BALANCE, ca, ev->b.bytes, NULL);
				if ((rc = sync_change(b, idx, n)) != CB_OK)
					return rc;
				sync_val_add(&m->aggs[idx].val, &ev->value);
			}
			break;
		case SYNC_EV_APPROVAL:
			idx = sync_get(b, SYNC_T_ALLOWANCE, ca, ev->a.bytes, ev->b.bytes);
			if ((rc = sync_change(b, idx, n)) != CB_OK)
				return rc;
			sync_val_set(&m->aggs[idx].val, &ev->value);
			break;
		case SYNC_EV_STAKED:
			idx = sync_get(b, SYNC_T_POOL_TOTAL, ca, NULL, NULL);
			if ((rc = sync_change(b, idx, n)) != CB_OK)
				return rc;
			sync_val_add(&m->aggs[idx].val, &ev->value);
			if ((idx = sync_stake_key(m, l)) == SIZE_MAX)
				return CB_ERR_NOMEM;
			m->aggs[idx].created = true;
			m->aggs[idx].exists = true;
			m->aggs[idx].stake_block = n;
			m->aggs[idx].stake_log_index = (uint32_t)l->log_index;
			m->aggs[idx].updated_block = n;
			sync_val_set(&m->aggs[idx].val, &ev->value);
			/* Append to the user's open list (made on demand). */
			if ((s = sync_get(b, SYNC_T_STAKER, ca, ev->a.bytes, NULL)) == SIZE_MAX)
				return CB_ERR_NOMEM;
			if (m->aggs[s].last == SIZE_MAX)
				m->aggs[s].first = idx;
			else
				m->aggs[m->aggs[s].last].next = idx;
			m->aggs[s].last = idx;
			break;
		case SYNC_EV_UNSTAKED:
			idx = sync_get(b, SYNC_T_POOL_TOTAL, ca, NULL, NULL);
			if ((rc = sync_change(b, idx, n)) != CB_OK)
				return rc;
			sync_val_sub(&m->aggs[idx].val, &ev->value);
			if ((s = sync_get(b, SYNC_T_STAKER, ca, ev->a.bytes, NULL)) == SIZE_MAX)
				return CB_ERR_NOMEM;
			if ((rc = sync_unstake(cd, b, s, &ev->value, n)) != CB_OK)
				return rc;
			break;
		default:
			break;
		}
	}
	if (b->nlogs > 0)
		return sync_apply_refresh(b, &next_refresh, b->logs[b->nlogs - 1].block_number);
	return CB_OK;
}

/* ---------------------------------------------------------- fetchers */

static const struct {
	const char	*name;
	const char	*label;
} sync_fcount_names[SYNC_FC__MAX] = {
	[SYNC_FC_RPC_BLOCKS] = { "rpc_errors", "eth_getBlockByNumber" },
	[SYNC_FC_RPC_LOGS] = { "rpc_errors", "eth_getLogs" },
	[SYNC_FC_RPC_TXS] = { "rpc_errors", "eth_getTransactionByHash" },
	[SYNC_FC_RACED] = { "sync_fetch_raced", NULL },
	[SYNC_FC_BLOOM_RETRIES] = { "sync_bloom_retries", NULL },
	[SYNC_FC_BLOOM_FP] = { "sync_bloom_false_positives", NULL },
	[SYNC_FC_SPLITS] = { "sync_range_splits", NULL },
};

/* The worker's own fetcher: its client and the state's tracked set. */
static void
sync_fetcher_main(struct chaind *cd, const struct sync_state *st, struct sync_fetcher *f)
{
	memset(f, 0, sizeof(*f));
	f->rpc = cd->rpc;
	f->chain = cd->chain;
	f->contracts = st->contracts;
	f->addresses = st->addresses;
	f->ncontracts = st->ncontracts;
}

/* Adds counts to the daemon's counters and zeroes them (main thread). */
static void
sync_counts_flush(struct chaind *cd, uint64_t counts[SYNC_FC__MAX])
{
	size_t i;

	for (i = 0; i < SYNC_FC__MAX; i++)
		if (counts[i] > 0) {
			chaind_count(cd, sync_fcount_names[i].name, sync_fcount_names[i].label,
			    counts[i]);
			counts[i] = 0;
		}
}

/* ------------------------------------------------------------ reorgs */

/*
 * Our stored chain and the node's disagree at or below top.  Looks for
 * the highest block both have with the same hash; when it lies at or
 * above the undo floor, everything above it is rolled back in one
 * transaction, else the syncer halts with an alert and changes nothing.
 */
static enum cb_err
sync_reorg(struct chaind *cd, struct sync_state *st, uint64_t top)
{
	struct sync_ckpt *ck = &st->ckpt;
	uint8_t stored[SYNC_ANCESTOR_CHUNK][32];
	bool present[SYNC_ANCESTOR_CHUNK];
	struct sync_block node[SYNC_ANCESTOR_CHUNK];
	struct sync_fetcher f;
	uint64_t floor, lo, hi, n;
	uint64_t start = cd->chain->start_block;
	char reason[200], h1[67];
	enum cb_err rc;
	size_t k;

	if (!ck->have_last)
		return CB_OK;
	sync_fetcher_main(cd, st, &f);
	if (top > ck->last_block)
		top = ck->last_block;
	/* Blocks from undo_from on can be undone; the ancestor may be
	 * undo_from - 1 (or "nothing" below the first synced block). */
	floor = ck->have_undo_from ? ck->undo_from : ck->last_block + 1;
	for (hi = top;; hi = lo - 1) {
		lo = hi >= SYNC_ANCESTOR_CHUNK - 1 ? hi - (SYNC_ANCESTOR_CHUNK - 1) : 0;
		if (lo < start)
			lo = start;
		if (floor > 0 && lo < floor - 1)
			lo = floor - 1 < start ? start : floor - 1;
		if (hi < lo)
			break;
		if ((rc = sync_store_hashes(cd, lo, hi, stored, present)) != CB_OK)
			return rc;
		rc = sync_fetch_headers(&f, lo, (size_t)(hi - lo + 1), node, false);
		sync_counts_flush(cd, f.counts);
		if (rc != CB_OK)
			return rc;
		for (n = hi + 1; n-- > lo;) {
			k = (size_t)(n - lo);
			if (present[k] && memcmp(stored[k], node[k].hash, 32) == 0) {
				if (n + 1 < floor)
					goto halt;
				if (n == ck->last_block)
					return CB_OK;	/* nothing changed after all */
				log_warnx("sync_reorg", "chain=%s ancestor=%" PRIu64 " depth=%" PRIu64
				    " last=%" PRIu64, cd->chain->name, n, ck->last_block - n,
				    ck->last_block);
				rc = sync_store_rollback(cd, ck, true, n, node[k].hash);
				if (rc == CB_OK) {
					chaind_count(cd, "sync_reorgs", NULL, 1);
					chaind_count(cd, "sync_reorg_blocks", NULL, ck->last_block - n);
					ck->last_block = n;
					memcpy(ck->last_hash, node[k].hash, 32);
				}
				return rc;
			}
		}
		if (lo <= start || (floor > 0 && lo <= floor - 1))
			break;
	}
	/* No common block in what may be undone. */
	if (floor <= start && ck->have_undo_from) {
		/* Every synced block was undoable: start again from scratch. */
		log_warnx("sync_reorg", "chain=%s ancestor=none depth=%" PRIu64,
		    cd->chain->name, ck->last_block - start + 1);
		rc = sync_store_rollback(cd, ck, false, 0, NULL);
		if (rc == CB_OK) {
			chaind_count(cd, "sync_reorgs", NULL, 1);
			ck->have_last = false;
		}
		return rc;
	}
halt:
	sync_hex(h1, sizeof(h1), ck->last_hash, 32);
	snprintf(reason, sizeof(reason), "reorg below finality: no common ancestor at or above "
	    "block %" PRIu64 " (last synced %" PRIu64 ")", floor > 0 ? floor - 1 : 0,
	    ck->last_block);
	log_errorx("sync_halted", "chain=%s reason=reorg_below_finality floor=%" PRIu64
	    " last=%" PRIu64 " last_hash=%s", cd->chain->name, floor > 0 ? floor - 1 : 0,
	    ck->last_block, h1);
	chaind_count(cd, "sync_halts", "reorg_below_finality", 1);
	if ((rc = sync_store_halt(cd, reason)) == CB_OK) {
		ck->halted = true;
		st->halt_logged = true;
	}
	return rc;
}

/* ------------------------------------------------------------ a batch */

/* undo_from after a batch from..to whose blocks above fin keep undo. */
static void
sync_undo_floor(const struct sync_ckpt *ck, struct sync_batch *b)
{
	uint64_t lower;

	b->have_undo_from = true;
	if (b->have_finalized && b->to <= b->finalized) {
		b->undo_from = b->to + 1;
		return;
	}
	if (!b->have_finalized || b->from > b->finalized)
		lower = ck->have_undo_from && ck->undo_from <= b->from ? ck->undo_from : b->from;
	else
		lower = b->finalized + 1;
	if (b->have_finalized && lower <= b->finalized)
		lower = b->finalized + 1;
	b->undo_from = lower;
}

/*
 * Fetches blocks b->from .. b->from + count - 1: headers (each the child
 * of the one before), the tracked logs checked against them, bloom
 * rechecks, the transactions.  Touches neither the store nor the daemon's
 * counters (it also runs in the prefetch thread).  Returns CB_OK,
 * CB_ERR_TOO_LARGE (the node refused the range: shrink), CB_ERR_CONFLICT
 * (the chain moved while we read it), or an error.
 */
static enum cb_err
sync_fetch(struct sync_fetcher *f, struct sync_batch *b, uint64_t count)
{
	struct rpc_log_list list = { NULL, 0 };
	size_t i;
	enum cb_err rc;

	b->to = b->from + count - 1;
	b->nblocks = (size_t)count;
	if ((b->blocks = calloc(b->nblocks, sizeof(*b->blocks))) == NULL)
		return CB_ERR_NOMEM;
	rc = sync_fetch_headers(f, b->from, b->nblocks, b->blocks, f->chain->sync_all_transactions);
	if (rc != CB_OK)
		return rc == CB_ERR_NOT_FOUND ? CB_ERR_CONFLICT : rc;
	for (i = 1; i < b->nblocks; i++)
		if (memcmp(b->blocks[i].parent, b->blocks[i - 1].hash, 32) != 0)
			return CB_ERR_CONFLICT;
	if (f->ncontracts > 0) {
		rc = sync_get_logs(f, b->from, b->to, b->nblocks == 1 ? b->blocks[0].hash : NULL,
		    &list);
		if (rc != CB_OK)
			return rc;
		rc = sync_take_logs(b, &list);
		rpc_log_list_clear(&list);
		if (rc != CB_OK)
			return rc;
		if ((rc = sync_check_logs(f, b)) != CB_OK ||
		    (rc = sync_bloom_recheck(f, b)) != CB_OK ||
		    (rc = sync_check_logs(f, b)) != CB_OK)
			return rc;
	}
	return sync_fetch_txs(f, b);
}

/*
 * Decodes, computes and commits a fetched batch that extends the
 * checkpoint.  Returns CB_OK (the checkpoint moved), CB_ERR_CONFLICT (the
 * checkpoint or the tracked set moved under us: look again), or an error.
 */
static enum cb_err
sync_batch_finish(struct chaind *cd, struct sync_state *st, struct sync_batch *b)
{
	struct sync_ckpt *ck = &st->ckpt;
	uint64_t t0, t1, t2, t3;
	enum cb_err rc;

	t0 = monotime_us();
	if ((rc = sync_register(cd, st, b)) != CB_OK)
		return rc;
	t1 = monotime_us();
	if ((rc = sync_refresh_allowances(cd, st, b)) != CB_OK ||
	    (rc = sync_apply(cd, st, b)) != CB_OK)
		return rc;
	sync_undo_floor(ck, b);
	t2 = monotime_us();
	if ((rc = sync_store_commit(cd, ck, b)) != CB_OK) {
		sync_store_cache_clear(st);
		return rc;
	}
	t3 = monotime_us();
	log_debug("sync_batch", "chain=%s from=%" PRIu64 " to=%" PRIu64 " logs=%zu txs=%zu"
	    " rows=%zu load_ms=%" PRIu64 " apply_ms=%" PRIu64 " commit_ms=%" PRIu64,
	    cd->chain->name, b->from, b->to, b->nlogs, b->ntxs, b->map.count,
	    (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000);
	ck->have_last = true;
	ck->last_block = b->to;
	memcpy(ck->last_hash, b->blocks[b->nblocks - 1].hash, 32);
	ck->have_undo_from = b->have_undo_from;
	ck->undo_from = b->undo_from;
	sync_store_cache_keep(st, b);
	chaind_count(cd, "sync_blocks", NULL, b->nblocks);
	chaind_count(cd, "sync_logs", NULL, b->nlogs);
	if (b->oversize > 0) {
		log_warnx("sync_oversize_values", "chain=%s from=%" PRIu64 " to=%" PRIu64
		    " count=%" PRIu64, cd->chain->name, b->from, b->to, b->oversize);
		chaind_count(cd, "sync_oversize_values", NULL, b->oversize);
	}
	return CB_OK;
}

/* The node's hash of block n equals ours?  (*same false: reorg.) */
static enum cb_err
sync_tip_same(struct chaind *cd, struct sync_state *st, uint64_t n, bool *same)
{
	uint8_t stored[1][32];
	bool present[1];
	struct sync_block node[1];
	struct sync_fetcher f;
	enum cb_err rc;

	sync_fetcher_main(cd, st, &f);
	if ((rc = sync_store_hashes(cd, n, n, stored, present)) != CB_OK)
		return rc;
	rc = sync_fetch_headers(&f, n, 1, node, false);
	sync_counts_flush(cd, f.counts);
	if (rc != CB_OK)
		return rc;
	*same = present[0] && memcmp(stored[0], node[0].hash, 32) == 0;
	return CB_OK;
}

/* --------------------------------------------------------- prefetching */

/*
 * Far behind the head the node, our JSON parsing and the store can work
 * at the same time: a thread with a client of its own fetches the next
 * ranges (up to SYNC_PREFETCH_DEPTH batches ahead) while the worker
 * decodes and commits.  The thread only reads the node; everything it
 * fetched is checked against the checkpoint by the worker, as a batch it
 * fetched itself would be.  Any surprise (a reorg, the chain moving, the
 * tracked set changing, an error) stops it and drops what it queued.
 */
#define SYNC_PREFETCH_DEPTH	2

struct sync_prefetch {
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	struct sync_fetcher	 f;
	struct sync_contract	*contracts;	/* the thread's copy */
	struct address		*addresses;
	struct sync_range	 range;
	uint64_t		 next;		/* first block not fetched yet */
	uint64_t		 limit;		/* last block to fetch */
	struct sync_batch	*queue[SYNC_PREFETCH_DEPTH];
	size_t			 nqueue;
	enum cb_err		 error;		/* CB_OK while all goes well */
	bool			 stop;
	uint64_t		 counts[SYNC_FC__MAX];
};

static void
sync_batch_destroy(struct sync_batch *b)
{
	if (b != NULL) {
		sync_batch_free(b);
		free(b);
	}
}

static void *
sync_prefetch_run(void *arg)
{
	struct sync_prefetch *p = arg;
	struct sync_fetcher f;
	struct sync_batch *b;
	uint64_t from, count;
	enum cb_err rc;
	size_t i;

	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		if (p->error != CB_OK || p->nqueue == SYNC_PREFETCH_DEPTH || p->next > p->limit) {
			pthread_cond_wait(&p->cv, &p->mu);
			continue;
		}
		from = p->next;
		count = p->limit - from + 1;
		if (count > p->range.span)
			count = p->range.span;
		f = p->f;
		memset(f.counts, 0, sizeof(f.counts));
		pthread_mutex_unlock(&p->mu);
		rc = CB_ERR_NOMEM;
		if ((b = calloc(1, sizeof(*b))) != NULL) {
			sync_map_init(&b->map);
			b->from = from;
			rc = sync_fetch(&f, b, count);
		}
		pthread_mutex_lock(&p->mu);
		for (i = 0; i < SYNC_FC__MAX; i++)
			p->counts[i] += f.counts[i];
		if (rc == CB_OK && !p->stop) {
			p->queue[p->nqueue++] = b;
			p->next = b->to + 1;
			sync_range_ok(&p->range);
		} else {
			sync_batch_destroy(b);
			if (rc == CB_ERR_TOO_LARGE && sync_range_refused(&p->range, count)) {
				p->counts[SYNC_FC_SPLITS]++;
				log_info("sync_range_split", "chain=%s from=%" PRIu64 " tried=%" PRIu64
				    " span=%" PRIu64, p->f.chain->name, from, count, p->range.span);
			} else if (rc != CB_OK)
				p->error = rc;
		}
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Stops the thread, drops what it fetched, keeps the span it learned. */
static void
sync_prefetch_stop(struct chaind *cd, struct sync_state *st)
{
	struct sync_prefetch *p = st->prefetch;
	size_t i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	if (cd != NULL)
		sync_counts_flush(cd, p->counts);
	for (i = 0; i < p->nqueue; i++)
		sync_batch_destroy(p->queue[i]);
	st->range = p->range;
	rpc_client_free(p->f.rpc);
	free(p->contracts);
	free(p->addresses);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
	st->prefetch = NULL;
}

static enum cb_err
sync_prefetch_start(struct chaind *cd, struct sync_state *st, uint64_t next, uint64_t limit)
{
	struct sync_prefetch *p;
	struct rpc_opts opts;
	size_t n = st->ncontracts;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return CB_ERR_NOMEM;
	rpc_opts_init(&opts);
	opts.timeout_ms = cd->chain->rpc_timeout_ms;
	opts.connect_timeout_ms = cd->chain->rpc_timeout_ms < 5000 ? cd->chain->rpc_timeout_ms : 5000;
	opts.max_retries = 1;
	if ((n > 0 && ((p->contracts = calloc(n, sizeof(*p->contracts))) == NULL ||
	    (p->addresses = calloc(n, sizeof(*p->addresses))) == NULL)) ||
	    (p->f.rpc = rpc_client_new(cd->chain->rpc_url, &opts)) == NULL) {
		free(p->contracts);
		free(p->addresses);
		free(p);
		return CB_ERR_NOMEM;
	}
	if (n > 0) {
		memcpy(p->contracts, st->contracts, n * sizeof(*p->contracts));
		memcpy(p->addresses, st->addresses, n * sizeof(*p->addresses));
	}
	p->f.chain = cd->chain;
	p->f.contracts = p->contracts;
	p->f.addresses = p->addresses;
	p->f.ncontracts = n;
	p->range = st->range;
	p->next = next;
	p->limit = limit;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->thread, NULL, sync_prefetch_run, p) != 0) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
		rpc_client_free(p->f.rpc);
		free(p->contracts);
		free(p->addresses);
		free(p);
		return CB_ERR_INTERNAL;
	}
	st->prefetch = p;
	return CB_OK;
}

/* True while the thread fetches for this tracked set. */
static bool
sync_prefetch_current(const struct sync_state *st)
{
	const struct sync_prefetch *p = st->prefetch;

	return p->f.ncontracts == st->ncontracts && (st->ncontracts == 0 ||
	    memcmp(p->contracts, st->contracts, st->ncontracts * sizeof(*st->contracts)) == 0);
}

/*
 * The next fetched batch, waiting while the time slice lasts: CB_OK with
 * *out (NULL when the slice ended first), or the thread's error.
 */
static enum cb_err
sync_prefetch_pop(struct chaind *cd, struct sync_prefetch *p, uint64_t limit,
    struct sync_batch **out)
{
	uint64_t counts[SYNC_FC__MAX];
	enum cb_err rc = CB_OK;
	size_t i;

	*out = NULL;
	pthread_mutex_lock(&p->mu);
	if (limit > p->limit) {
		p->limit = limit;
		pthread_cond_broadcast(&p->cv);
	}
	while (p->nqueue == 0 && p->error == CB_OK && chaind_time_left(cd) > 0) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&p->cv, &p->mu, &ts);
	}
	if (p->nqueue > 0) {
		*out = p->queue[0];
		for (i = 1; i < p->nqueue; i++)
			p->queue[i - 1] = p->queue[i];
		p->nqueue--;
		pthread_cond_broadcast(&p->cv);
	} else if (p->error != CB_OK)
		rc = p->error;
	memcpy(counts, p->counts, sizeof(counts));
	memset(p->counts, 0, sizeof(p->counts));
	pthread_mutex_unlock(&p->mu);
	sync_counts_flush(cd, counts);
	return rc;
}

/* ------------------------------------------------------------- a step */

void
syncer_cleanup(struct chaind *cd)
{
	struct sync_state *st = cd->sync;

	if (st == NULL)
		return;
	sync_prefetch_stop(cd, st);
	sync_store_cache_clear(st);
	free(st->contracts);
	free(st->addresses);
	free(st);
	cd->sync = NULL;
}

static enum cb_err sync_step_run(struct chaind *cd);

enum cb_err
syncer_step(struct chaind *cd)
{
	char q[LOG_Q_MAX];
	enum cb_err rc = sync_step_run(cd);

	if (rc != CB_OK && cd->sync != NULL) {
		sync_prefetch_stop(cd, cd->sync);
		sync_store_cache_clear(cd->sync);
	}
	if (rc == CB_ERR_DB || rc == CB_ERR_INTERNAL)
		log_warnx("sync_store_error", "chain=%s err=%s db_errno=%u detail=%s",
		    cd->chain->name, cb_errcode(rc), db_errno(cd->db),
		    log_q(q, sizeof(q), db_error(cd->db), strlen(db_error(cd->db))));
	return rc;
}

/* Copies the poll's head and finality into a batch. */
static void
sync_batch_finality(struct sync_batch *b, const struct sync_batch *poll)
{
	b->head = poll->head;
	b->have_safe = poll->have_safe;
	b->safe = poll->safe;
	b->have_finalized = poll->have_finalized;
	b->finalized = poll->finalized;
}

/*
 * One batch far behind the head, from the prefetch thread.  Returns as
 * sync_batch_finish, with *again when the caller should look once more
 * (the thread was restarted, or a reorg was handled).
 */
static enum cb_err
sync_step_prefetched(struct chaind *cd, struct sync_state *st, const struct sync_batch *poll,
    uint64_t next, bool *again, bool *done)
{
	struct sync_ckpt *ck = &st->ckpt;
	struct sync_batch *b = NULL;
	enum cb_err rc;

	*again = *done = false;
	if (st->prefetch != NULL && !sync_prefetch_current(st))
		sync_prefetch_stop(cd, st);
	if (st->prefetch == NULL && (rc = sync_prefetch_start(cd, st, next, poll->head)) != CB_OK)
		return rc;
	if ((rc = sync_prefetch_pop(cd, st->prefetch, poll->head, &b)) != CB_OK) {
		sync_prefetch_stop(cd, st);
		if (rc == CB_ERR_CONFLICT) {
			log_info("sync_chain_moved", "chain=%s from=%" PRIu64, cd->chain->name, next);
			*done = true;
			return CB_OK;
		}
		if (rc == CB_ERR_TOO_LARGE)
			log_errorx("sync_block_too_large", "chain=%s block=%" PRIu64, cd->chain->name,
			    next);
		return rc;
	}
	if (b == NULL) {
		*done = true;	/* the time slice is over; the thread goes on */
		return CB_OK;
	}
	if (b->from != next) {
		sync_batch_destroy(b);
		sync_prefetch_stop(cd, st);
		*again = true;
		return CB_OK;
	}
	if (ck->have_last && memcmp(b->blocks[0].parent, ck->last_hash, 32) != 0) {
		sync_batch_destroy(b);
		sync_prefetch_stop(cd, st);
		*again = true;
		return sync_reorg(cd, st, ck->last_block);
	}
	sync_batch_finality(b, poll);
	rc = sync_batch_finish(cd, st, b);
	sync_batch_destroy(b);
	if (rc != CB_OK)
		sync_prefetch_stop(cd, st);
	if (rc == CB_ERR_CONFLICT) {
		*done = true;
		return CB_OK;
	}
	return rc;
}

static enum cb_err
sync_step_run(struct chaind *cd)
{
	struct sync_state *st;
	struct sync_batch b, poll;
	struct sync_fetcher f;
	struct sync_ckpt *ck;
	uint64_t next, head, count;
	bool same, again, done;
	enum cb_err rc;

	if ((st = sync_state_get(cd)) == NULL)
		return CB_ERR_NOMEM;
	ck = &st->ckpt;
	if (!st->range_ready) {
		sync_range_init(&st->range, cd->chain->log_range);
		st->range_ready = true;
	}
	if ((rc = sync_store_ckpt_load(cd, ck)) != CB_OK)
		return rc;
	if (ck->halted) {
		sync_prefetch_stop(cd, st);
		if (!st->halt_logged)
			log_errorx("sync_halted", "chain=%s (clear sync_checkpoints.halted to resume)",
			    cd->chain->name);
		st->halt_logged = true;
		return CB_OK;
	}
	st->halt_logged = false;
	if ((rc = sync_store_tracked(cd, st)) != CB_OK)
		return rc;
	memset(&poll, 0, sizeof(poll));
	if ((rc = sync_poll_head(cd, st, &poll)) != CB_OK)
		return rc;
	head = poll.head;
	if ((rc = sync_store_head(cd, head, poll.have_safe, poll.safe, poll.have_finalized,
	    poll.finalized)) != CB_OK)
		return rc;
	if (st->suspect) {
		/* The checker saw a stored hash the node no longer has: our
		 * block there is not the node's, the ancestor lies below. */
		st->suspect = false;
		sync_prefetch_stop(cd, st);
		if (ck->have_last && st->suspect_block > 0 &&
		    (rc = sync_reorg(cd, st, st->suspect_block - 1)) != CB_OK)
			return rc;
		if (ck->halted)
			return CB_OK;
	}
	while (chaind_time_left(cd) > 0) {
		if (ck->have_last && head <= ck->last_block) {
			/* Nothing new: is our tip still the node's? */
			sync_prefetch_stop(cd, st);
			if ((rc = sync_tip_same(cd, st, head, &same)) != CB_OK)
				return rc;
			if (!same && (rc = sync_reorg(cd, st, head)) != CB_OK)
				return rc;
			if (same || ck->halted)
				break;
			continue;
		}
		next = ck->have_last ? ck->last_block + 1 : cd->chain->start_block;
		if (next > head)
			break;
		if (head - next + 1 > 2 * st->range.max) {
			rc = sync_step_prefetched(cd, st, &poll, next, &again, &done);
			if (rc != CB_OK)
				return rc;
			if (ck->halted || done)
				break;
			continue;
		}
		/* Near the head: one batch at a time, the last one a block. */
		sync_prefetch_stop(cd, st);
		count = head - next + 1;
		if (count > st->range.span)
			count = st->range.span;
		memset(&b, 0, sizeof(b));
		sync_map_init(&b.map);
		b.from = next;
		sync_batch_finality(&b, &poll);
		sync_fetcher_main(cd, st, &f);
		rc = sync_fetch(&f, &b, count);
		sync_counts_flush(cd, f.counts);
		if (rc == CB_OK && ck->have_last &&
		    memcmp(b.blocks[0].parent, ck->last_hash, 32) != 0) {
			sync_batch_free(&b);
			if ((rc = sync_reorg(cd, st, ck->last_block)) != CB_OK)
				return rc;
			if (ck->halted)
				break;
			continue;
		}
		if (rc == CB_OK)
			rc = sync_batch_finish(cd, st, &b);
		sync_batch_free(&b);
		if (rc == CB_ERR_TOO_LARGE) {
			if (!sync_range_refused(&st->range, count)) {
				log_errorx("sync_block_too_large", "chain=%s block=%" PRIu64,
				    cd->chain->name, next);
				return rc;
			}
			log_info("sync_range_split", "chain=%s from=%" PRIu64 " tried=%" PRIu64
			    " span=%" PRIu64, cd->chain->name, next, count, st->range.span);
			chaind_count(cd, "sync_range_splits", NULL, 1);
			continue;
		}
		if (rc == CB_ERR_CONFLICT) {
			/* The chain moved while we read it: look again next pass. */
			log_info("sync_chain_moved", "chain=%s from=%" PRIu64, cd->chain->name, next);
			break;
		}
		if (rc != CB_OK)
			return rc;
		sync_range_ok(&st->range);
	}
	return CB_OK;
}
