DROP FUNCTION IF EXISTS claim_idempotency_key(text, text);

--bun:split

DROP TABLE IF EXISTS idempotency_keys;
