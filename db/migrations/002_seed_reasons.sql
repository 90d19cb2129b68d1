-- 002_seed_reasons: the reason registry of SPEC §4.1, with the metadata
-- rules and priorities of the original design (seed reason_registry.yaml).
-- allowed_metadata NULL means any key is accepted.

INSERT INTO reason_types (name, description, allowed_metadata, auto_batch, triggers_settlement) VALUES
  ('reward',       'Reward payout',            '["activity_id","reward_tier","reward_type"]', TRUE,  FALSE),
  ('gas_fee',      'Gas fee deduction',        '["tx_id","gas_cost_usd"]',                   TRUE,  TRUE),
  ('consumption',  'Consumption charge',       '["service_type","service_id"]',              TRUE,  FALSE),
  ('refund',       'Refund',                   NULL,                                         TRUE,  FALSE),
  ('transfer_in',  'Transfer in',              NULL,                                         TRUE,  FALSE),
  ('transfer_out', 'Transfer out',             '["to_address","tx_hash"]',                   FALSE, TRUE),
  ('adjustment',   'Administrative adjustment', NULL,                                        TRUE,  FALSE);
