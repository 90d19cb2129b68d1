/*
 * sync.h - what the chain index roles (syncer.c, sync_store.c, checker.c)
 * share, and the pure logic they are built on (sync_logic.c): event
 * decoding, bloom tests, the eth_getLogs range controller, exact signed
 * values and their storage form, and the aggregate map with its undo
 * bookkeeping.  The design is docs/sync.md.
 *
 * sync_logic.c touches neither the store nor the node, so the unit tests
 * (tests/unit/test_sync.c) drive it directly.
 */
#ifndef CB_CHAIND_SYNC_H
#define CB_CHAIND_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "eth/address.h"
#include "eth/hash32.h"
#include "eth/rpc.h"
#include "money/u256.h"

/* ------------------------------------------------------------ events */

/* What a tracked contract is. */
enum sync_contract_kind {
	SYNC_CONTRACT_TOKEN = 0,	/* a registered ERC-20 token */
	SYNC_CONTRACT_POOL,		/* a StakingPool (staking_pools) */
	SYNC_CONTRACT__MAX
};

/* The events the index decodes (keccak-256 of their signatures). */
enum sync_topic {
	SYNC_TOPIC_TRANSFER = 0,	/* Transfer(address,address,uint256) */
	SYNC_TOPIC_APPROVAL,		/* Approval(address,address,uint256) */
	SYNC_TOPIC_STAKED,		/* Staked(address,uint256,uint256) */
	SYNC_TOPIC_UNSTAKED,		/* Unstaked(address,uint256,uint256) */
	SYNC_TOPIC_CLAIMED,		/* RewardsClaimed(address,uint256) */
	SYNC_TOPIC__MAX
};

enum sync_event_kind {
	SYNC_EV_NONE = 0,	/* kept in logs only (other events, wrong shapes) */
	SYNC_EV_TRANSFER,	/* a: from, b: to, value; mint/burn via 0x0 */
	SYNC_EV_APPROVAL,	/* a: owner, b: spender, value */
	SYNC_EV_STAKED,		/* a: user, value: amount, ts: timestamp word */
	SYNC_EV_UNSTAKED,	/* a: user, value: amount, ts: timestamp word */
	SYNC_EV_CLAIMED,	/* a: user, value: amount */
	SYNC_EV__MAX
};

struct sync_event {
	enum sync_event_kind	 kind;
	struct address		 a;
	struct address		 b;
	u256			 value;
	u256			 ts;
};

/* The 32-byte topic 0 of an event (computed once, then borrowed). */
const uint8_t	*sync_topic(enum sync_topic t);

/*
 * Decodes a log of a contract of kind ck.  Only the exact shapes count:
 * an ERC-20 Transfer or Approval has 3 topics and 32 bytes of data (an
 * ERC-721 Transfer shares topic 0 but has 4 topics), Staked/Unstaked 2
 * topics and 64 bytes, RewardsClaimed 2 topics and 32 bytes, and every
 * address topic has its 12 high bytes zero.  A token's logs decode only
 * as Transfer/Approval, a pool's only as staking events.  Returns the
 * kind (SYNC_EV_NONE for anything else) and fills ev.  Never fails.
 */
enum sync_event_kind sync_decode(const struct rpc_log *log, enum sync_contract_kind ck,
		    struct sync_event *ev);

/* ------------------------------------------------------------- bloom */

/* The three bit positions (0..2047) of data in a logsBloom. */
struct sync_bloom_bits {
	uint16_t	bit[3];
};

void		 sync_bloom_bits(const uint8_t *data, size_t len, struct sync_bloom_bits *out);
/* True when all three bits are set in bloom (the 256-byte logsBloom). */
bool		 sync_bloom_test(const uint8_t bloom[256], const struct sync_bloom_bits *b);
/* True when no bit of bloom is set (the block has no logs at all). */
bool		 sync_bloom_empty(const uint8_t bloom[256]);

/* ------------------------------------------------- the range controller */

/* Consecutive successful ranges before the span doubles again. */
#define SYNC_RANGE_GROW_AFTER	4

/*
 * The span of blocks asked per eth_getLogs: starts at max, halves when the
 * node refuses a range as too large (or the answer passes our caps), and
 * doubles again after SYNC_RANGE_GROW_AFTER successes in a row, never
 * above max nor below 1.
 */
struct sync_range {
	uint64_t	span;
	uint64_t	max;
	unsigned	successes;
	uint64_t	refusals;	/* total, for the logs */
};

void		 sync_range_init(struct sync_range *r, uint64_t max);
/* The refused range had tried blocks; returns false when it was one block
 * already (nothing left to split). */
bool		 sync_range_refused(struct sync_range *r, uint64_t tried);
void		 sync_range_ok(struct sync_range *r);

/*
 * True when an eth_getLogs failure means "ask for less": the rpc layer's
 * range_limit class (the texts of geth, Erigon, reth and the hosted
 * providers, code -32005), our own caps (CB_ERR_TOO_LARGE), HTTP 413.
 */
bool		 sync_range_refusal(enum cb_err rc, const struct rpc_error *err);

/* ----------------------------------------------------- exact values */

/*
 * A signed exact value: a magnitude with a sign, or "bad" when it left
 * the range a u256 balance can have (below -(2^256-1) or above 2^256-1),
 * which only a contract that breaks ERC-20 or a history that starts after
 * the token's can cause.
 */
struct sync_val {
	u256	mag;
	bool	neg;
	bool	bad;
};

void		 sync_val_zero(struct sync_val *v);
void		 sync_val_add(struct sync_val *v, const u256 *x);
void		 sync_val_sub(struct sync_val *v, const u256 *x);
void		 sync_val_set(struct sync_val *v, const u256 *x);
bool		 sync_val_eq(const struct sync_val *a, const struct sync_val *b);

/* How a value is stored: DECIMAL(65,0) text, or the big-endian bytes of
 * the *_raw column, or neither (a bad value: both NULL). */
enum sync_form {
	SYNC_FORM_DEC = 0,
	SYNC_FORM_RAW,
	SYNC_FORM_NONE
};

#define SYNC_DEC_MAX	(U256_DEC_MAX + 1)	/* sign, digits, NUL */

/*
 * Storage form of v: dec gets "-123" or "0" when |v| < 10^65; a
 * non-negative value of 65 digits or more goes into raw (32 bytes); a bad
 * or a hugely negative value gets SYNC_FORM_NONE.
 */
enum sync_form	 sync_val_store(const struct sync_val *v, char dec[SYNC_DEC_MAX],
		    uint8_t raw[32]);
/* The same for a plain u256 (an event's amount): never NONE. */
enum sync_form	 sync_u256_store(const u256 *x, char dec[SYNC_DEC_MAX], uint8_t raw[32]);

/*
 * Reads a stored value: dec (len bytes, signed decimal, may be NULL) or
 * raw (rawlen <= 32 bytes, may be NULL).  Both NULL reads as bad.
 * Returns false on garbage.
 */
bool		 sync_val_load(struct sync_val *v, const char *dec, size_t declen,
		    const uint8_t *raw, size_t rawlen);

/* ------------------------------------------------ aggregates and undo */

/* What an aggregate row is; the names are block_undo.target's. */
enum sync_target {
	SYNC_T_BALANCE = 0,	/* token_balances: token || holder */
	SYNC_T_ALLOWANCE,	/* allowances: token || owner || spender */
	SYNC_T_SUPPLY,		/* token_supply: token */
	SYNC_T_STAKE,		/* stakes.remaining: tx hash || log index (BE32) */
	SYNC_T_POOL_TOTAL,	/* staking_totals: pool */
	SYNC_T_STAKER,		/* in memory only: a user's open stakes in a pool
				   (pool || user), never stored nor undone */
	SYNC_T_OWNER,		/* in memory only: a sender whose allowances
				   may have been spent (token || owner) */
	SYNC_T__MAX
};

#define SYNC_KEY_MAX	60

const char	*sync_target_name(enum sync_target t);
/* The target called name (block_undo.target), or SYNC_T__MAX. */
enum sync_target sync_target_parse(const char *name, size_t len);

struct sync_agg {
	enum sync_target target;
	uint8_t		 keylen;
	uint8_t		 key[SYNC_KEY_MAX];
	bool		 loaded;	/* read from the store (or known new) */
	bool		 exists;	/* the row exists (now) */
	struct sync_val	 val;
	uint64_t	 updated_block;
	bool		 dirty;		/* changed by this batch: to be written */
	bool		 created;	/* an event row made in this batch (stakes) */
	uint64_t	 undo_block;	/* block of the last undo record + 1, 0 none */
	/* A stake: its block and log index, and the next stake of its
	 * user's open list (SIZE_MAX ends).  A staker: the first and last
	 * stake of that list. */
	uint64_t	 stake_block;
	uint32_t	 stake_log_index;
	size_t		 next;
	size_t		 first;
	size_t		 last;
};

/* One undo record: the row as it was before block `block` changed it. */
struct sync_undo {
	uint64_t	 block;
	uint32_t	 seq;
	enum sync_target target;
	uint8_t		 keylen;
	uint8_t		 key[SYNC_KEY_MAX];
	bool		 exists;
	struct sync_val	 val;
	uint64_t	 updated_block;
};

/*
 * The aggregate rows one batch touches, by (target, key), with the undo
 * records of the blocks that need them.  Open addressing; entries stay
 * at their index (pointers may move on growth: hold indexes).
 */
struct sync_map {
	struct sync_agg	*aggs;
	size_t		 count;
	size_t		*slots;		/* index + 1, 0 empty */
	size_t		 nslots;
	struct sync_undo *undo;
	size_t		 nundo;
	size_t		 capundo;
};

void		 sync_map_init(struct sync_map *m);
void		 sync_map_free(struct sync_map *m);
/* Finds (target, key); with create, adds a fresh entry (not existing,
 * value zero).  Returns the index, or SIZE_MAX (not found / no memory). */
size_t		 sync_map_find(struct sync_map *m, enum sync_target t, const uint8_t *key,
		    size_t keylen, bool create);

/*
 * The entries of target t (only the dirty ones when dirty_only) in key
 * order: *out is a new array of *n indexes the caller frees (NULL when
 * none).  Returns CB_OK or CB_ERR_NOMEM.
 */
enum cb_err	 sync_map_sorted(const struct sync_map *m, enum sync_target t, bool dirty_only,
		    size_t **out, size_t *n);

/*
 * Before entry i changes in block `block`: when undo_needed, records the
 * row as it is (once per entry and block, the first time).  Returns
 * CB_OK or CB_ERR_NOMEM.
 */
enum cb_err	 sync_map_touch(struct sync_map *m, size_t i, uint64_t block, bool undo_needed);

/* ------------------------------------------------------------ state */

/* One tracked contract. */
struct sync_contract {
	struct address		 address;
	enum sync_contract_kind	 kind;
	uint64_t		 token_id;	/* the token, or the pool's token */
	struct sync_bloom_bits	 bloom;
};

/* The checkpoint as the syncer last read or wrote it. */
struct sync_ckpt {
	bool		 have_last;
	uint64_t	 last_block;
	uint8_t		 last_hash[32];
	bool		 have_undo_from;
	uint64_t	 undo_from;
	bool		 halted;
};

/* A block header of a batch. */
struct sync_block {
	uint64_t	 number;
	uint8_t		 hash[32];
	uint8_t		 parent[32];
	uint64_t	 timestamp;
	uint8_t		 bloom[256];
	bool		 has_base_fee;
	u256		 base_fee;
	uint64_t	 gas_used;
	uint32_t	 tx_count;
	uint32_t	 log_count;	/* tracked logs stored */
	struct hash32	*tx_hashes;	/* sync_all_transactions only */
};

/* A transaction stored with a batch. */
struct sync_tx {
	uint8_t		 hash[32];
	uint64_t	 block;
	uint64_t	 tx_index;
	struct address	 from;
	bool		 has_to;
	struct address	 to;
	u256		 value;
	uint64_t	 nonce;
	bool		 has_status;	/* true when it emitted a tracked log */
	size_t		 input_head_len;
	uint8_t		 input_head[4];
};

/* An allowance read from the node at the end of a block. */
struct sync_refresh {
	size_t		 agg;		/* the allowance entry */
	uint64_t	 block;
	u256		 value;
};

/*
 * One step of the index: blocks from..to, their tracked logs (in chain
 * order) with the decoded events, the transactions, and the aggregate
 * rows with their undo records.  Everything commits in one transaction.
 */
struct sync_batch {
	uint64_t		 from;
	uint64_t		 to;
	uint64_t		 head;
	bool			 have_safe;
	uint64_t		 safe;
	uint64_t		 finalized;	/* undo is kept above it */
	bool			 have_finalized;
	struct sync_block	*blocks;	/* to - from + 1 */
	size_t			 nblocks;
	struct rpc_log		*logs;
	size_t			 nlogs;
	struct sync_event	*events;	/* nlogs */
	size_t			*contract;	/* nlogs: index into the tracked set */
	struct sync_tx		*txs;
	size_t			 ntxs;
	struct sync_refresh	*refresh;
	size_t			 nrefresh;
	struct sync_map		 map;
	uint64_t		 oversize;	/* event values stored raw */
	uint64_t		 undo_from;	/* after the batch */
	bool			 have_undo_from;
};

/* What a fetch counted, for the daemon's counters (flushed by the main
 * thread: chaind_count is not thread-safe). */
enum sync_fcount {
	SYNC_FC_RPC_BLOCKS = 0,	/* rpc_errors{eth_getBlockByNumber} */
	SYNC_FC_RPC_LOGS,	/* rpc_errors{eth_getLogs} */
	SYNC_FC_RPC_TXS,	/* rpc_errors{eth_getTransactionByHash} */
	SYNC_FC_RACED,		/* sync_fetch_raced */
	SYNC_FC_BLOOM_RETRIES,	/* sync_bloom_retries */
	SYNC_FC_BLOOM_FP,	/* sync_bloom_false_positives */
	SYNC_FC_SPLITS,		/* sync_range_splits */
	SYNC_FC__MAX
};

/* What fetching needs: a node, the chain, the tracked set (sorted by
 * address).  The main thread's borrows the worker's client and the
 * state's set; the prefetcher's owns copies. */
struct sync_fetcher {
	struct rpc_client		*rpc;
	const struct chain_config	*chain;
	const struct sync_contract	*contracts;
	const struct address		*addresses;
	size_t				 ncontracts;
	uint64_t			 counts[SYNC_FC__MAX];
};

struct sync_prefetch;
struct chaind;

/* The roles' memory (chaind->sync), dropped when the lease is lost. */
struct sync_state {
	struct sync_ckpt	 ckpt;
	struct sync_contract	*contracts;
	size_t			 ncontracts;
	struct address		*addresses;	/* the eth_getLogs filter */
	struct sync_range	 range;
	bool			 range_ready;
	bool			 tags_unsupported;
	bool			 halt_logged;
	/* Far behind the head, a thread fetches the next ranges while the
	 * worker commits (syncer.c, "Prefetching"); NULL when none runs. */
	struct sync_prefetch	*prefetch;
	/* The aggregate rows as the last commit left them (balances, supply,
	 * pool totals, and which owners hold no allowance), valid only while
	 * the checkpoint is the one that commit wrote (sync_store.c,
	 * "Aggregate cache"). */
	struct sync_map		 cache;
	bool			 cache_have;
	uint64_t		 cache_block;
	uint8_t			 cache_hash[32];
	/* A block hash the checker found changed: the syncer looks for the
	 * common ancestor from there on its next step. */
	bool			 suspect;
	uint64_t		 suspect_block;
	/* checker.c */
	uint64_t		 check_next_ms;
	uint64_t		 check_block_cursor;
	size_t			 check_token_cursor;
	struct address		 check_holder_cursor;
	char			 check_user_cursor[129];
	size_t			 check_ledger_token;
};

/* sync_store.c: the store side (docs/sync.md). */
enum cb_err	 sync_store_ckpt_load(struct chaind *cd, struct sync_ckpt *ck);
enum cb_err	 sync_store_tracked(struct chaind *cd, struct sync_state *st);
/* Reads the aggregate rows the batch touches into its map. */
enum cb_err	 sync_store_load(struct chaind *cd, struct sync_batch *b);
/* Reads the open stakes of (pool, user) into the map, oldest first,
 * linked from the staker entry s. */
enum cb_err	 sync_store_load_stakes(struct chaind *cd, struct sync_batch *b, size_t s);
/* Commits the batch (fenced) and advances the checkpoint.  CB_ERR_CONFLICT
 * when the checkpoint moved under us. */
enum cb_err	 sync_store_commit(struct chaind *cd, const struct sync_ckpt *ck,
		    struct sync_batch *b);
/* Stored hashes of blocks lo..hi into hashes[number - lo], with present[]. */
enum cb_err	 sync_store_hashes(struct chaind *cd, uint64_t lo, uint64_t hi,
		    uint8_t (*hashes)[32], bool *present);
/* Undoes every block above ancestor (have_ancestor false: every block)
 * in one fenced transaction and rewinds the checkpoint. */
enum cb_err	 sync_store_rollback(struct chaind *cd, const struct sync_ckpt *ck,
		    bool have_ancestor, uint64_t ancestor, const uint8_t ancestor_hash[32]);
/* After a commit of b (the checkpoint is now b's last block): keeps b's
 * aggregate rows for the next batches.  Never fails (a full cache or no
 * memory just empties it). */
void		 sync_store_cache_keep(struct sync_state *st, const struct sync_batch *b);
/* Forgets every cached row. */
void		 sync_store_cache_clear(struct sync_state *st);
enum cb_err	 sync_store_head(struct chaind *cd, uint64_t head, bool have_safe,
		    uint64_t safe, bool have_finalized, uint64_t finalized);
enum cb_err	 sync_store_halt(struct chaind *cd, const char *reason);

#endif
