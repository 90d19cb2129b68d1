-- 005_sync: what the chain syncer and the consistency checker need beyond
-- 001's chain index (docs/sync.md).

-- The block's logsBloom: an empty eth_getLogs answer for a block whose
-- bloom may hold a tracked contract is retried, and the stored bloom lets
-- a later check do the same.
ALTER TABLE blocks
  ADD COLUMN logs_bloom VARBINARY(256) NULL AFTER log_count;

-- Where undo data starts (every block above undo_from - 1 can be rolled
-- back; a reorg whose common ancestor lies below halts instead), and how
-- many stored event values did not fit DECIMAL(65,0) and live only in
-- their *_raw column (shown in sync status).
ALTER TABLE sync_checkpoints
  ADD COLUMN undo_from        BIGINT UNSIGNED NULL AFTER finalized_block,
  ADD COLUMN oversize_values  BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER halt_reason;

-- Undo also restores the updated_block of the row, and the pool totals.
ALTER TABLE block_undo
  MODIFY COLUMN target ENUM('token_balance','allowance','token_supply','stake','pool_total') NOT NULL,
  ADD COLUMN prev_block BIGINT UNSIGNED NULL AFTER prev_raw;

-- Staking amounts come from the chain: like every chain value they may
-- exceed 65 digits, and then live exactly in the side column.
ALTER TABLE stakes
  MODIFY COLUMN amount DECIMAL(65,0) NULL,
  ADD COLUMN amount_raw VARBINARY(32) NULL AFTER amount,
  MODIFY COLUMN remaining DECIMAL(65,0) NULL,
  ADD COLUMN remaining_raw VARBINARY(32) NULL AFTER remaining;
ALTER TABLE unstakes
  MODIFY COLUMN amount DECIMAL(65,0) NULL,
  ADD COLUMN amount_raw VARBINARY(32) NULL AFTER amount;
ALTER TABLE reward_claims
  MODIFY COLUMN amount DECIMAL(65,0) NULL,
  ADD COLUMN amount_raw VARBINARY(32) NULL AFTER amount;

-- Total staked per pool (the sum of Staked less the sum of Unstaked), kept
-- by the syncer with undo like the other aggregates.
CREATE TABLE staking_totals (
  chain_id       BIGINT UNSIGNED NOT NULL,
  pool_address   BINARY(20) NOT NULL,
  total_staked   DECIMAL(65,0) NULL,
  total_raw      VARBINARY(32) NULL,
  updated_block  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (chain_id, pool_address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
