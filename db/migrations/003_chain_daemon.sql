-- 003_chain_daemon: what the chain daemon needs beyond 001 (docs/settlement.md).

-- Settlement bookkeeping on the ledger rows: how often a change's batch
-- reverted (or was refused by the pre-flight), and whether it settled by
-- netting to zero within its cut (confirmed without a transaction).
ALTER TABLE balance_changes
  ADD COLUMN settle_attempts TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER settle_error,
  ADD COLUMN netted BOOLEAN NOT NULL DEFAULT FALSE AFTER settle_attempts;

-- The daemon's view of each chain, written by the worker holding the
-- chain's lease and read by the API's /metrics and /healthz (the store is
-- the only channel between the two).
CREATE TABLE chain_daemons (
  chain_id            BIGINT UNSIGNED NOT NULL,
  holder              VARCHAR(128) NOT NULL,
  fencing_token       BIGINT UNSIGNED NOT NULL,
  version             VARCHAR(32) NOT NULL,
  started_at          DATETIME(6) NOT NULL,
  heartbeat_at        DATETIME(6) NOT NULL,
  signer              BINARY(20) NULL,
  signer_balance      DECIMAL(65,0) NULL,         -- wei
  signer_balance_low  BOOLEAN NOT NULL DEFAULT FALSE,
  head_block          BIGINT UNSIGNED NULL,
  stuck_nonce         BIGINT UNSIGNED NULL,       -- head-of-line nonce waiting too long
  stuck_since         DATETIME(6) NULL,
  last_error          VARCHAR(255) NULL,
  PRIMARY KEY (chain_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Monotonic counters of the daemon (Prometheus counters): RPC errors by
-- class, replacements, reverts, ... Label is '' when there is none.
CREATE TABLE chain_daemon_counters (
  chain_id   BIGINT UNSIGNED NOT NULL,
  name       VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  label      VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
  value      BIGINT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (chain_id, name, label)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
