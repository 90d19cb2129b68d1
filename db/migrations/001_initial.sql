-- 001_initial: the whole store chainbridge needs (SPEC §4-§6).
-- InnoDB, utf8mb4. Amounts are DECIMAL(65,0) in base units (SPEC §3).
-- Chain values that may exceed 65 digits have a *_raw VARBINARY(32)
-- side column holding the exact big-endian value; the decimal is NULL then.
-- Addresses are BINARY(20), hashes BINARY(32). Runs on MariaDB 10.6+ and MySQL 8.

-- ---------------------------------------------------------------- registries

CREATE TABLE tokens (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  chain         VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  chain_id      BIGINT UNSIGNED NOT NULL,
  symbol        VARCHAR(20) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name          VARCHAR(100) NOT NULL,
  address       BINARY(20) NOT NULL,
  decimals      TINYINT UNSIGNED NOT NULL,
  settlement    ENUM('plain','keyed') NOT NULL DEFAULT 'plain',
  features      SET('mintable','burnable','pausable','transfer') NOT NULL DEFAULT '',
  enabled       BOOLEAN NOT NULL DEFAULT TRUE,
  created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_tokens_symbol (symbol),
  UNIQUE KEY uq_tokens_chain_address (chain_id, address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE reason_types (
  name              VARCHAR(50) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  description       VARCHAR(255) NOT NULL DEFAULT '',
  allowed_metadata  JSON NULL,          -- array of keys; NULL = any key
  auto_batch        BOOLEAN NOT NULL DEFAULT TRUE,
  triggers_settlement BOOLEAN NOT NULL DEFAULT FALSE,  -- high priority: settle now
  enabled           BOOLEAN NOT NULL DEFAULT TRUE,
  created_at        DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at        DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per token; a token without a row uses the built-in defaults
-- documented in docs/settlement.md.
CREATE TABLE batch_strategies (
  token_id          INT UNSIGNED NOT NULL,
  max_batch_size    INT UNSIGNED NOT NULL,
  max_wait_seconds  INT UNSIGNED NOT NULL,
  min_batch_size    INT UNSIGNED NOT NULL,
  value_threshold   DECIMAL(65,0) NULL,  -- base units; NULL = no value trigger
  priority_reasons  JSON NULL,           -- array of reason names
  updated_at        DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (token_id),
  CONSTRAINT fk_strategy_token FOREIGN KEY (token_id) REFERENCES tokens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE wallets (
  user_id     VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  chain_id    BIGINT UNSIGNED NOT NULL,
  address     BINARY(20) NOT NULL,
  created_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (user_id, chain_id),
  UNIQUE KEY uq_wallets_address (chain_id, address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Keys are shown once; only SHA-256(key) is kept. prefix is the visible,
-- unique head of the key used to find the row before a constant-time compare.
CREATE TABLE api_keys (
  id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  name          VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  prefix        VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  key_hash      BINARY(32) NOT NULL,
  scopes        SET('read','write','admin') NOT NULL,
  created_at    DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  revoked_at    DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_api_keys_name (name),
  UNIQUE KEY uq_api_keys_prefix (prefix)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ------------------------------------------------------------------- ledger

CREATE TABLE operations (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  operation_uuid   CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  api_key_id       INT UNSIGNED NOT NULL,
  kind             ENUM('adjust','reward','deduct') NOT NULL,
  client_batch_id  VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL,
  priority         ENUM('low','normal','high') NOT NULL DEFAULT 'normal',
  context          JSON NULL,            -- reward_batch / consumption object
  changes_count    INT UNSIGNED NOT NULL,
  created_at       DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_operations_uuid (operation_uuid),
  UNIQUE KEY uq_operations_client_batch (api_key_id, client_batch_id),
  CONSTRAINT fk_operations_key FOREIGN KEY (api_key_id) REFERENCES api_keys (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Committed in the same transaction as the ledger rows it answers for; the
-- primary key makes a concurrent duplicate wait for the first (or fail).
CREATE TABLE idempotency_keys (
  api_key_id     INT UNSIGNED NOT NULL,
  idem_key       VARBINARY(255) NOT NULL,
  request_hash   BINARY(32) NOT NULL,     -- SHA-256 of method, route and body
  status_code    SMALLINT UNSIGNED NOT NULL,
  response_body  MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL,
  operation_id   BIGINT UNSIGNED NULL,
  created_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (api_key_id, idem_key),
  KEY ix_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE user_balances (
  user_id            VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  token_id           INT UNSIGNED NOT NULL,
  confirmed_balance  DECIMAL(65,0) NOT NULL DEFAULT 0,  -- settled and confirmed on chain
  pending_balance    DECIMAL(65,0) NOT NULL DEFAULT 0,  -- confirmed + unsettled changes
  last_change_at     DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  last_sync_at       DATETIME(6) NULL,
  PRIMARY KEY (user_id, token_id),
  KEY ix_user_balances_token (token_id),
  CONSTRAINT fk_balances_token FOREIGN KEY (token_id) REFERENCES tokens (id),
  CONSTRAINT ck_pending_nonneg CHECK (pending_balance >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The append-only ledger: one row per change. Only the settlement columns
-- (status, batch_id, tx_hash, error, updated_at) ever change.
CREATE TABLE balance_changes (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  operation_id    BIGINT UNSIGNED NOT NULL,
  position        SMALLINT UNSIGNED NOT NULL,   -- index in the request
  user_id         VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  token_id        INT UNSIGNED NOT NULL,
  amount          DECIMAL(65,0) NOT NULL,       -- signed
  balance_before  DECIMAL(65,0) NOT NULL,       -- pending balance before
  balance_after   DECIMAL(65,0) NOT NULL,
  reason_type     VARCHAR(50) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  reason_detail   TEXT NOT NULL,
  metadata        JSON NULL,
  status          ENUM('recorded','awaiting_wallet','batched','submitted','confirmed','failed')
                    NOT NULL DEFAULT 'recorded',
  batch_id        BIGINT UNSIGNED NULL,
  tx_hash         BINARY(32) NULL,
  settle_error    VARCHAR(255) NULL,
  created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_changes_op_pos (operation_id, position),
  KEY ix_changes_user_token (user_id, token_id, id),
  KEY ix_changes_user (user_id, id),
  KEY ix_changes_pending (token_id, status, id),
  KEY ix_changes_batch (batch_id),
  KEY ix_changes_reason (reason_type, created_at),
  CONSTRAINT fk_changes_operation FOREIGN KEY (operation_id) REFERENCES operations (id),
  CONSTRAINT fk_changes_token FOREIGN KEY (token_id) REFERENCES tokens (id),
  CONSTRAINT fk_changes_reason FOREIGN KEY (reason_type) REFERENCES reason_types (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- ---------------------------------------------------------------- settlement

-- One batch is one chain operation (mint or burn) for one token. Batches cut
-- together share a round_id; within a round mints go before burns.
CREATE TABLE settlement_batches (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  round_id        BIGINT UNSIGNED NOT NULL,
  token_id        INT UNSIGNED NOT NULL,
  chain_id        BIGINT UNSIGNED NOT NULL,
  op              ENUM('mint','burn') NOT NULL,
  status          ENUM('pending','signed','submitted','mined','confirmed','failed')
                    NOT NULL DEFAULT 'pending',
  trigger_reason  VARCHAR(50) CHARACTER SET ascii NOT NULL,
  items_count     INT UNSIGNED NOT NULL,
  total           DECIMAL(65,0) NOT NULL,
  batch_key       BINARY(32) NOT NULL,          -- bytes32 id for keyed settlement
  signer          BINARY(20) NULL,
  nonce           BIGINT UNSIGNED NULL,
  gas_limit       BIGINT UNSIGNED NULL,
  gas_used        BIGINT UNSIGNED NULL,
  tx_hash         BINARY(32) NULL,              -- the attempt that was mined
  block_number    BIGINT UNSIGNED NULL,
  block_hash      BINARY(32) NULL,
  revert_count    INT UNSIGNED NOT NULL DEFAULT 0,
  last_error      VARCHAR(255) NULL,
  created_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  submitted_at    DATETIME(6) NULL,
  confirmed_at    DATETIME(6) NULL,
  updated_at      DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  UNIQUE KEY uq_batches_key (chain_id, batch_key),
  UNIQUE KEY uq_batches_nonce (chain_id, signer, nonce),
  KEY ix_batches_token_status (token_id, status, id),
  KEY ix_batches_status (chain_id, status, id),
  KEY ix_batches_round (round_id),
  CONSTRAINT fk_batches_token FOREIGN KEY (token_id) REFERENCES tokens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Netted items: one per wallet, amount is the positive magnitude.
CREATE TABLE settlement_items (
  batch_id  BIGINT UNSIGNED NOT NULL,
  wallet    BINARY(20) NOT NULL,
  amount    DECIMAL(65,0) NOT NULL,
  PRIMARY KEY (batch_id, wallet),
  CONSTRAINT fk_items_batch FOREIGN KEY (batch_id) REFERENCES settlement_batches (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every signed transaction, committed before it is sent (write-ahead).
CREATE TABLE settlement_attempts (
  id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  batch_id          BIGINT UNSIGNED NOT NULL,
  nonce             BIGINT UNSIGNED NOT NULL,
  tx_hash           BINARY(32) NOT NULL,
  raw_tx            MEDIUMBLOB NOT NULL,
  max_fee_per_gas   DECIMAL(65,0) NOT NULL,
  max_priority_fee  DECIMAL(65,0) NOT NULL,
  gas_limit         BIGINT UNSIGNED NOT NULL,
  status            ENUM('signed','sent','mined','replaced','dropped') NOT NULL DEFAULT 'signed',
  send_error        VARCHAR(255) NULL,
  created_at        DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  sent_at           DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_attempts_hash (tx_hash),
  KEY ix_attempts_batch (batch_id, id),
  CONSTRAINT fk_attempts_batch FOREIGN KEY (batch_id) REFERENCES settlement_batches (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE signer_nonces (
  chain_id    BIGINT UNSIGNED NOT NULL,
  signer      BINARY(20) NOT NULL,
  next_nonce  BIGINT UNSIGNED NOT NULL,
  updated_at  DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (chain_id, signer)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One active daemon per chain: whoever holds an unexpired lease works; the
-- fencing token grows on every takeover and guards every write it makes.
CREATE TABLE leases (
  name           VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  holder         VARCHAR(128) NOT NULL,
  fencing_token  BIGINT UNSIGNED NOT NULL,
  acquired_at    DATETIME(6) NOT NULL,
  expires_at     DATETIME(6) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- -------------------------------------------------------------- chain index

CREATE TABLE sync_checkpoints (
  chain_id         BIGINT UNSIGNED NOT NULL,
  last_block       BIGINT UNSIGNED NULL,
  last_hash        BINARY(32) NULL,
  safe_block       BIGINT UNSIGNED NULL,
  finalized_block  BIGINT UNSIGNED NULL,
  head_block       BIGINT UNSIGNED NULL,      -- the node's head when last polled
  reorg_count      INT UNSIGNED NOT NULL DEFAULT 0,
  halted           BOOLEAN NOT NULL DEFAULT FALSE,
  halt_reason      VARCHAR(255) NULL,
  updated_at       DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (chain_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE blocks (
  chain_id     BIGINT UNSIGNED NOT NULL,
  number       BIGINT UNSIGNED NOT NULL,
  hash         BINARY(32) NOT NULL,
  parent_hash  BINARY(32) NOT NULL,
  timestamp    BIGINT UNSIGNED NOT NULL,
  base_fee     DECIMAL(65,0) NULL,
  gas_used     BIGINT UNSIGNED NOT NULL DEFAULT 0,
  tx_count     INT UNSIGNED NOT NULL DEFAULT 0,
  log_count    INT UNSIGNED NOT NULL DEFAULT 0,
  PRIMARY KEY (chain_id, number),
  UNIQUE KEY uq_blocks_hash (chain_id, hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE transactions (
  chain_id      BIGINT UNSIGNED NOT NULL,
  hash          BINARY(32) NOT NULL,
  block_number  BIGINT UNSIGNED NOT NULL,
  tx_index      INT UNSIGNED NOT NULL,
  from_addr     BINARY(20) NOT NULL,
  to_addr       BINARY(20) NULL,
  value         DECIMAL(65,0) NULL,
  value_raw     VARBINARY(32) NULL,
  nonce         BIGINT UNSIGNED NOT NULL,
  status        TINYINT UNSIGNED NULL,      -- receipt status, when fetched
  gas_used      BIGINT UNSIGNED NULL,
  input_head    VARBINARY(4) NULL,          -- function selector
  PRIMARY KEY (chain_id, hash),
  KEY ix_tx_block (chain_id, block_number, tx_index),
  KEY ix_tx_from (chain_id, from_addr, block_number),
  KEY ix_tx_to (chain_id, to_addr, block_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE logs (
  chain_id      BIGINT UNSIGNED NOT NULL,
  block_number  BIGINT UNSIGNED NOT NULL,
  log_index     INT UNSIGNED NOT NULL,
  block_hash    BINARY(32) NOT NULL,
  tx_hash       BINARY(32) NOT NULL,
  tx_index      INT UNSIGNED NOT NULL,
  address       BINARY(20) NOT NULL,
  topic0        BINARY(32) NULL,
  topic1        BINARY(32) NULL,
  topic2        BINARY(32) NULL,
  topic3        BINARY(32) NULL,
  topic_count   TINYINT UNSIGNED NOT NULL,
  data          MEDIUMBLOB NOT NULL,
  removed       BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (chain_id, block_number, log_index),
  KEY ix_logs_address (chain_id, address, block_number),
  KEY ix_logs_tx (chain_id, tx_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Contracts the syncer follows besides registered tokens.
CREATE TABLE staking_pools (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT,
  chain_id       BIGINT UNSIGNED NOT NULL,
  address        BINARY(20) NOT NULL,
  token_id       INT UNSIGNED NOT NULL,
  reward_rule    VARCHAR(32) CHARACTER SET ascii NOT NULL DEFAULT 'per_hour_rate',
  reward_rate    DECIMAL(65,0) NOT NULL DEFAULT 0,  -- rule parameter, exact integer
  enabled        BOOLEAN NOT NULL DEFAULT TRUE,
  PRIMARY KEY (id),
  UNIQUE KEY uq_pools_address (chain_id, address),
  CONSTRAINT fk_pools_token FOREIGN KEY (token_id) REFERENCES tokens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE token_balances (
  chain_id       BIGINT UNSIGNED NOT NULL,
  token_address  BINARY(20) NOT NULL,
  holder         BINARY(20) NOT NULL,
  balance        DECIMAL(65,0) NULL,
  balance_raw    VARBINARY(32) NULL,
  updated_block  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (chain_id, token_address, holder),
  KEY ix_balances_holder (chain_id, holder)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE transfers (
  chain_id       BIGINT UNSIGNED NOT NULL,
  tx_hash        BINARY(32) NOT NULL,
  log_index      INT UNSIGNED NOT NULL,
  block_number   BIGINT UNSIGNED NOT NULL,
  token_address  BINARY(20) NOT NULL,
  from_addr      BINARY(20) NOT NULL,
  to_addr        BINARY(20) NOT NULL,
  value          DECIMAL(65,0) NULL,
  value_raw      VARBINARY(32) NULL,
  PRIMARY KEY (chain_id, tx_hash, log_index),
  KEY ix_transfers_block (chain_id, block_number, log_index),
  KEY ix_transfers_from (chain_id, token_address, from_addr, block_number, log_index),
  KEY ix_transfers_to (chain_id, token_address, to_addr, block_number, log_index)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE approvals (
  chain_id       BIGINT UNSIGNED NOT NULL,
  tx_hash        BINARY(32) NOT NULL,
  log_index      INT UNSIGNED NOT NULL,
  block_number   BIGINT UNSIGNED NOT NULL,
  token_address  BINARY(20) NOT NULL,
  owner          BINARY(20) NOT NULL,
  spender        BINARY(20) NOT NULL,
  value          DECIMAL(65,0) NULL,
  value_raw      VARBINARY(32) NULL,
  PRIMARY KEY (chain_id, tx_hash, log_index),
  KEY ix_approvals_block (chain_id, block_number, log_index),
  KEY ix_approvals_owner (chain_id, token_address, owner, spender, block_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE allowances (
  chain_id       BIGINT UNSIGNED NOT NULL,
  token_address  BINARY(20) NOT NULL,
  owner          BINARY(20) NOT NULL,
  spender        BINARY(20) NOT NULL,
  value          DECIMAL(65,0) NULL,
  value_raw      VARBINARY(32) NULL,
  updated_block  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (chain_id, token_address, owner, spender)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE token_supply (
  chain_id       BIGINT UNSIGNED NOT NULL,
  token_address  BINARY(20) NOT NULL,
  total_supply   DECIMAL(65,0) NULL,
  supply_raw     VARBINARY(32) NULL,
  updated_block  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (chain_id, token_address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Stake id is chain:tx:log index (SPEC §9: never user-blockNumber).
CREATE TABLE stakes (
  chain_id        BIGINT UNSIGNED NOT NULL,
  tx_hash         BINARY(32) NOT NULL,
  log_index       INT UNSIGNED NOT NULL,
  pool_address    BINARY(20) NOT NULL,
  user_addr       BINARY(20) NOT NULL,
  amount          DECIMAL(65,0) NOT NULL,
  remaining       DECIMAL(65,0) NOT NULL,     -- not yet unstaked
  staked_at       BIGINT UNSIGNED NOT NULL,   -- event timestamp (seconds)
  block_number    BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (chain_id, tx_hash, log_index),
  KEY ix_stakes_user (chain_id, pool_address, user_addr, block_number),
  KEY ix_stakes_block (chain_id, block_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE unstakes (
  chain_id      BIGINT UNSIGNED NOT NULL,
  tx_hash       BINARY(32) NOT NULL,
  log_index     INT UNSIGNED NOT NULL,
  pool_address  BINARY(20) NOT NULL,
  user_addr     BINARY(20) NOT NULL,
  amount        DECIMAL(65,0) NOT NULL,
  unstaked_at   BIGINT UNSIGNED NOT NULL,
  block_number  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (chain_id, tx_hash, log_index),
  KEY ix_unstakes_user (chain_id, pool_address, user_addr, block_number),
  KEY ix_unstakes_block (chain_id, block_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE reward_claims (
  chain_id      BIGINT UNSIGNED NOT NULL,
  tx_hash       BINARY(32) NOT NULL,
  log_index     INT UNSIGNED NOT NULL,
  pool_address  BINARY(20) NOT NULL,
  user_addr     BINARY(20) NOT NULL,
  amount        DECIMAL(65,0) NOT NULL,
  block_number  BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (chain_id, tx_hash, log_index),
  KEY ix_claims_user (chain_id, pool_address, user_addr, block_number),
  KEY ix_claims_block (chain_id, block_number)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Undo data per block, kept down to finality: the value an aggregate row
-- (token balance, allowance, supply, stake remaining) had before the block.
CREATE TABLE block_undo (
  chain_id      BIGINT UNSIGNED NOT NULL,
  block_number  BIGINT UNSIGNED NOT NULL,
  seq           INT UNSIGNED NOT NULL,
  target        ENUM('token_balance','allowance','token_supply','stake') NOT NULL,
  row_key       VARBINARY(96) NOT NULL,
  prev_exists   BOOLEAN NOT NULL,
  prev_value    DECIMAL(65,0) NULL,
  prev_raw      VARBINARY(32) NULL,
  PRIMARY KEY (chain_id, block_number, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Findings of the consistency checker, shown in sync status and metrics.
CREATE TABLE consistency_issues (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  chain_id      BIGINT UNSIGNED NOT NULL,
  kind          VARCHAR(32) CHARACTER SET ascii NOT NULL,  -- block_hash, token_balance, ledger
  subject       VARCHAR(255) NOT NULL,
  expected      VARCHAR(100) NULL,
  actual        VARCHAR(100) NULL,
  detected_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  resolved_at   DATETIME(6) NULL,
  PRIMARY KEY (id),
  KEY ix_issues_open (chain_id, resolved_at, kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
