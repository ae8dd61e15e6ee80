-- Exactly one instance sends each invitation: a sender claims due rows for a while (a lease
-- that lapses if the instance dies mid-send) before sending them, and releases the claim when
-- it records the outcome (src/services/dossiers/delivery.rs).
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMP;
