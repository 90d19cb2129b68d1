/*
 * sync_logic.c - the pure parts of the chain index (sync.h): event
 * decoding, bloom tests, the eth_getLogs range controller, exact signed
 * values and their storage form, and the aggregate map with undo records
 * (docs/sync.md).  No store, no node: unit-tested directly.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eth/abi.h"
#include "eth/keccak.h"
#include "sync.h"

/* ------------------------------------------------------------ events */

static const char *const sync_signatures[SYNC_TOPIC__MAX] = {
	[SYNC_TOPIC_TRANSFER] = "Transfer(address,address,uint256)",
	[SYNC_TOPIC_APPROVAL] = "Approval(address,address,uint256)",
	[SYNC_TOPIC_STAKED] = "Staked(address,uint256,uint256)",
	[SYNC_TOPIC_UNSTAKED] = "Unstaked(address,uint256,uint256)",
	[SYNC_TOPIC_CLAIMED] = "RewardsClaimed(address,uint256)",
};

static uint8_t	sync_topics[SYNC_TOPIC__MAX][32];
static bool	sync_topics_ready;

const uint8_t *
sync_topic(enum sync_topic t)
{
	size_t i;

	if (!sync_topics_ready) {
		for (i = 0; i < SYNC_TOPIC__MAX; i++)
			keccak256(sync_signatures[i], strlen(sync_signatures[i]),
			    sync_topics[i]);
		sync_topics_ready = true;
	}
	return sync_topics[(unsigned)t < SYNC_TOPIC__MAX ? t : 0];
}

/* An indexed address: a topic whose 12 high bytes are zero. */
static bool
sync_topic_address(const uint8_t topic[32], struct address *out)
{
	size_t i;

	for (i = 0; i < 12; i++)
		if (topic[i] != 0)
			return false;
	memcpy(out->bytes, topic + 12, ADDRESS_LEN);
	return true;
}

enum sync_event_kind
sync_decode(const struct rpc_log *log, enum sync_contract_kind ck, struct sync_event *ev)
{
	const uint8_t *t0;

	memset(ev, 0, sizeof(*ev));
	if (log->topic_count == 0)
		return SYNC_EV_NONE;
	t0 = log->topics[0].bytes;
	if (ck == SYNC_CONTRACT_TOKEN) {
		bool transfer = memcmp(t0, sync_topic(SYNC_TOPIC_TRANSFER), 32) == 0;
		bool approval = memcmp(t0, sync_topic(SYNC_TOPIC_APPROVAL), 32) == 0;

		/* ERC-721 puts the token id in a fourth topic: not ours. */
		if ((!transfer && !approval) || log->topic_count != 3 ||
		    log->data_len != 32 ||
		    !sync_topic_address(log->topics[1].bytes, &ev->a) ||
		    !sync_topic_address(log->topics[2].bytes, &ev->b))
			goto none;
		abi_word_uint256(log->data, &ev->value);
		ev->kind = transfer ? SYNC_EV_TRANSFER : SYNC_EV_APPROVAL;
		return ev->kind;
	}
	if (ck != SYNC_CONTRACT_POOL || log->topic_count != 2 ||
	    !sync_topic_address(log->topics[1].bytes, &ev->a))
		goto none;
	if (memcmp(t0, sync_topic(SYNC_TOPIC_STAKED), 32) == 0 ||
	    memcmp(t0, sync_topic(SYNC_TOPIC_UNSTAKED), 32) == 0) {
		if (log->data_len != 64)
			goto none;
		abi_word_uint256(log->data, &ev->value);
		abi_word_uint256(log->data + 32, &ev->ts);
		ev->kind = memcmp(t0, sync_topic(SYNC_TOPIC_STAKED), 32) == 0 ?
		    SYNC_EV_STAKED : SYNC_EV_UNSTAKED;
		return ev->kind;
	}
	if (memcmp(t0, sync_topic(SYNC_TOPIC_CLAIMED), 32) == 0 && log->data_len == 32) {
		abi_word_uint256(log->data, &ev->value);
		ev->kind = SYNC_EV_CLAIMED;
		return ev->kind;
	}
none:
	memset(ev, 0, sizeof(*ev));
	return SYNC_EV_NONE;
}

/* ------------------------------------------------------------- bloom */

void
sync_bloom_bits(const uint8_t *data, size_t len, struct sync_bloom_bits *out)
{
	uint8_t h[KECCAK256_LEN];
	size_t i;

	keccak256(data, len, h);
	/* Yellow paper M3:2048: the low 11 bits of each of the first three
	 * byte pairs of the hash. */
	for (i = 0; i < 3; i++)
		out->bit[i] = (uint16_t)((((unsigned)h[2 * i] << 8) | h[2 * i + 1]) & 2047u);
}

bool
sync_bloom_test(const uint8_t bloom[256], const struct sync_bloom_bits *b)
{
	size_t i;

	for (i = 0; i < 3; i++) {
		unsigned bit = b->bit[i];

		/* Bit 0 is the lowest bit of the last byte (big-endian). */
		if ((bloom[255 - bit / 8] & (1u << (bit % 8))) == 0)
			return false;
	}
	return true;
}

bool
sync_bloom_empty(const uint8_t bloom[256])
{
	size_t i;

	for (i = 0; i < 256; i++)
		if (bloom[i] != 0)
			return false;
	return true;
}

/* ------------------------------------------------- the range controller */

void
sync_range_init(struct sync_range *r, uint64_t max)
{
	memset(r, 0, sizeof(*r));
	r->max = max > 0 ? max : 1;
	r->span = r->max;
}

bool
sync_range_refused(struct sync_range *r, uint64_t tried)
{
	r->refusals++;
	r->successes = 0;
	if (tried <= 1) {
		r->span = 1;
		return false;
	}
	/* Halve what was tried (the span may have been larger than the
	 * blocks left), never more than the span itself. */
	r->span = tried / 2 < r->span ? tried / 2 : r->span / 2;
	if (r->span == 0)
		r->span = 1;
	return true;
}

void
sync_range_ok(struct sync_range *r)
{
	if (r->span >= r->max)
		return;
	if (++r->successes < SYNC_RANGE_GROW_AFTER)
		return;
	r->successes = 0;
	r->span = r->span > r->max / 2 ? r->max : r->span * 2;
}

bool
sync_range_refusal(enum cb_err rc, const struct rpc_error *err)
{
	if (rc == CB_ERR_TOO_LARGE)
		return true;
	if (err == NULL)
		return false;
	/* A proxy's "request entity too large". */
	if (rc == CB_ERR_RPC_TRANSPORT && err->http_status == 413)
		return true;
	return rc == CB_ERR_RPC && err->errclass == RPC_ERRCLASS_RANGE_LIMIT;
}

/* ----------------------------------------------------- exact values */

void
sync_val_zero(struct sync_val *v)
{
	memset(v, 0, sizeof(*v));
}

void
sync_val_set(struct sync_val *v, const u256 *x)
{
	v->mag = *x;
	v->neg = false;
	v->bad = false;
}

/* v += s * x, s = +1 or -1. */
static void
sync_val_addsub(struct sync_val *v, const u256 *x, bool subtract)
{
	bool xneg = subtract;

	if (v->bad || u256_is_zero(x))
		return;
	if (v->neg == xneg) {
		/* Same sign: the magnitudes add. */
		if (u256_add(&v->mag, &v->mag, x) != 0)
			v->bad = true;
		return;
	}
	if (u256_cmp(&v->mag, x) >= 0) {
		(void)u256_sub(&v->mag, &v->mag, x);
	} else {
		u256 m;

		(void)u256_sub(&m, x, &v->mag);
		v->mag = m;
		v->neg = xneg;
	}
	if (u256_is_zero(&v->mag))
		v->neg = false;
}

void
sync_val_add(struct sync_val *v, const u256 *x)
{
	sync_val_addsub(v, x, false);
}

void
sync_val_sub(struct sync_val *v, const u256 *x)
{
	sync_val_addsub(v, x, true);
}

bool
sync_val_eq(const struct sync_val *a, const struct sync_val *b)
{
	if (a->bad || b->bad)
		return a->bad == b->bad;
	return a->neg == b->neg && u256_cmp(&a->mag, &b->mag) == 0;
}

/* 10^65: the first magnitude DECIMAL(65,0) cannot hold. */
static const u256 *
sync_dec_limit(void)
{
	static u256 limit;
	static bool ready;

	if (!ready) {
		(void)u256_pow10(&limit, 65);
		ready = true;
	}
	return &limit;
}

enum sync_form
sync_val_store(const struct sync_val *v, char dec[SYNC_DEC_MAX], uint8_t raw[32])
{
	size_t n;

	dec[0] = '\0';
	if (v->bad)
		return SYNC_FORM_NONE;
	if (u256_cmp(&v->mag, sync_dec_limit()) >= 0) {
		if (v->neg)
			return SYNC_FORM_NONE;
		u256_to_be32(&v->mag, raw);
		return SYNC_FORM_RAW;
	}
	if (v->neg)
		dec[0] = '-';
	n = u256_to_dec(&v->mag, dec + (v->neg ? 1 : 0), SYNC_DEC_MAX - 1);
	if (n == 0) {
		dec[0] = '\0';
		return SYNC_FORM_NONE;
	}
	return SYNC_FORM_DEC;
}

enum sync_form
sync_u256_store(const u256 *x, char dec[SYNC_DEC_MAX], uint8_t raw[32])
{
	struct sync_val v;

	sync_val_set(&v, x);
	return sync_val_store(&v, dec, raw);
}

bool
sync_val_load(struct sync_val *v, const char *dec, size_t declen, const uint8_t *raw,
    size_t rawlen)
{
	sync_val_zero(v);
	if (dec != NULL) {
		bool neg = declen > 0 && dec[0] == '-';

		if (declen - neg == 0 || u256_from_dec(&v->mag, dec + neg, declen - neg) != 0)
			return false;
		v->neg = neg && !u256_is_zero(&v->mag);
		return true;
	}
	if (raw != NULL) {
		if (rawlen > 32 || u256_from_be(&v->mag, raw, rawlen) != 0)
			return false;
		return true;
	}
	v->bad = true;
	return true;
}

/* ------------------------------------------------ aggregates and undo */

static const char *const sync_target_names[SYNC_T__MAX] = {
	[SYNC_T_BALANCE] = "token_balance",
	[SYNC_T_ALLOWANCE] = "allowance",
	[SYNC_T_SUPPLY] = "token_supply",
	[SYNC_T_STAKE] = "stake",
	[SYNC_T_POOL_TOTAL] = "pool_total",
	[SYNC_T_STAKER] = "staker",
	[SYNC_T_OWNER] = "owner",
};

const char *
sync_target_name(enum sync_target t)
{
	return (unsigned)t < SYNC_T__MAX ? sync_target_names[t] : "?";
}

enum sync_target
sync_target_parse(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < SYNC_T_STAKER; i++)
		if (strlen(sync_target_names[i]) == len &&
		    memcmp(sync_target_names[i], name, len) == 0)
			return (enum sync_target)i;
	return SYNC_T__MAX;
}

void
sync_map_init(struct sync_map *m)
{
	memset(m, 0, sizeof(*m));
}

void
sync_map_free(struct sync_map *m)
{
	if (m == NULL)
		return;
	free(m->aggs);
	free(m->slots);
	free(m->undo);
	memset(m, 0, sizeof(*m));
}

/* FNV-1a over the target and the key. */
static size_t
sync_map_hash(enum sync_target t, const uint8_t *key, size_t keylen)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	h = (h ^ (uint64_t)t) * 1099511628211ULL;
	for (i = 0; i < keylen; i++)
		h = (h ^ key[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29));
}

static bool
sync_map_grow(struct sync_map *m)
{
	size_t nslots = m->nslots == 0 ? 64 : m->nslots * 2, i, *slots;
	struct sync_agg *aggs;

	if ((slots = calloc(nslots, sizeof(*slots))) == NULL)
		return false;
	/* aggs holds at most half as many entries as there are slots. */
	if ((aggs = realloc(m->aggs, (nslots / 2) * sizeof(*aggs))) == NULL) {
		free(slots);
		return false;
	}
	m->aggs = aggs;
	for (i = 0; i < m->count; i++) {
		const struct sync_agg *a = &m->aggs[i];
		size_t s = sync_map_hash(a->target, a->key, a->keylen) & (nslots - 1);

		while (slots[s] != 0)
			s = (s + 1) & (nslots - 1);
		slots[s] = i + 1;
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
	return true;
}

size_t
sync_map_find(struct sync_map *m, enum sync_target t, const uint8_t *key, size_t keylen,
    bool create)
{
	struct sync_agg *a;
	size_t s;

	if (keylen > SYNC_KEY_MAX)
		return SIZE_MAX;
	if (m->nslots > 0) {
		s = sync_map_hash(t, key, keylen) & (m->nslots - 1);
		while (m->slots[s] != 0) {
			a = &m->aggs[m->slots[s] - 1];
			if (a->target == t && a->keylen == keylen &&
			    memcmp(a->key, key, keylen) == 0)
				return m->slots[s] - 1;
			s = (s + 1) & (m->nslots - 1);
		}
	}
	if (!create)
		return SIZE_MAX;
	if ((m->count + 1) * 2 > m->nslots && !sync_map_grow(m))
		return SIZE_MAX;
	s = sync_map_hash(t, key, keylen) & (m->nslots - 1);
	while (m->slots[s] != 0)
		s = (s + 1) & (m->nslots - 1);
	a = &m->aggs[m->count];
	memset(a, 0, sizeof(*a));
	a->target = t;
	a->keylen = (uint8_t)keylen;
	memcpy(a->key, key, keylen);
	a->next = SIZE_MAX;
	a->first = SIZE_MAX;
	a->last = SIZE_MAX;
	m->slots[s] = m->count + 1;
	return m->count++;
}

/* qsort has no argument for the map: a file static carries it. */
static const struct sync_map *sync_sort_map;

static int
sync_map_key_cmp(const void *pa, const void *pb)
{
	const struct sync_agg *a = &sync_sort_map->aggs[*(const size_t *)pa];
	const struct sync_agg *b = &sync_sort_map->aggs[*(const size_t *)pb];
	int c = memcmp(a->key, b->key, a->keylen < b->keylen ? a->keylen : b->keylen);

	return c != 0 ? c : (a->keylen > b->keylen) - (a->keylen < b->keylen);
}

enum cb_err
sync_map_sorted(const struct sync_map *m, enum sync_target t, bool dirty_only, size_t **out,
    size_t *n)
{
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < m->count; i++)
		if (m->aggs[i].target == t && (!dirty_only || m->aggs[i].dirty))
			k++;
	if (k == 0)
		return CB_OK;
	if ((*out = calloc(k, sizeof(**out))) == NULL)
		return CB_ERR_NOMEM;
	for (i = 0, k = 0; i < m->count; i++)
		if (m->aggs[i].target == t && (!dirty_only || m->aggs[i].dirty))
			(*out)[k++] = i;
	sync_sort_map = m;
	qsort(*out, k, sizeof(**out), sync_map_key_cmp);
	*n = k;
	return CB_OK;
}

enum cb_err
sync_map_touch(struct sync_map *m, size_t i, uint64_t block, bool undo_needed)
{
	struct sync_agg *a = &m->aggs[i];
	struct sync_undo *u;

	/* A row made by this very batch (a new stake) has nothing to undo:
	 * the rollback deletes it with its block. */
	if (!undo_needed || a->created || a->undo_block == block + 1)
		return CB_OK;
	if (m->nundo == m->capundo) {
		size_t cap = m->capundo == 0 ? 64 : m->capundo * 2;
		struct sync_undo *nu = realloc(m->undo, cap * sizeof(*nu));

		if (nu == NULL)
			return CB_ERR_NOMEM;
		m->undo = nu;
		m->capundo = cap;
	}
	u = &m->undo[m->nundo++];
	memset(u, 0, sizeof(*u));
	u->block = block;
	u->target = a->target;
	u->keylen = a->keylen;
	memcpy(u->key, a->key, a->keylen);
	u->exists = a->exists;
	u->val = a->val;
	u->updated_block = a->updated_block;
	a->undo_block = block + 1;
	return CB_OK;
}
