-- 004_chain_sync: what the chain read routes (docs/api.md, "Chain data")
-- need from the syncer and the consistency checker besides 001's chain
-- index. The chain daemon fills these columns; NULL means "not yet".

-- The last reorganisation the syncer handled on the chain: how many
-- blocks it undid, when, and the first block it replaced (the common
-- ancestor + 1). The checker's last completed pass, for sync status.
ALTER TABLE sync_checkpoints
  ADD COLUMN last_reorg_depth      INT UNSIGNED NULL AFTER reorg_count,
  ADD COLUMN last_reorg_at         DATETIME(6) NULL AFTER last_reorg_depth,
  ADD COLUMN last_reorg_from_block BIGINT UNSIGNED NULL AFTER last_reorg_at,
  ADD COLUMN checker_run_at        DATETIME(6) NULL AFTER halt_reason;

-- The timestamp of the claim's block (RewardsClaimed carries none): a
-- segment of the staking reward rule ends there. When NULL the API falls
-- back to the stored block's timestamp.
ALTER TABLE reward_claims
  ADD COLUMN claimed_at BIGINT UNSIGNED NULL AFTER amount;

-- A token's transfers newest first, without an address filter.
CREATE INDEX ix_transfers_token ON transfers (chain_id, token_address, block_number, log_index);
