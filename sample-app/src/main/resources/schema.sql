-- The sample's own tables; the starter creates lossless_outbox and lossless_processed_message itself
-- for an embedded database (lossless.kafka.*.initialize-schema).
CREATE TABLE IF NOT EXISTS customer_order (
	id VARCHAR(100) PRIMARY KEY,
	item VARCHAR(200) NOT NULL,
	quantity INT NOT NULL,
	message_id VARCHAR(36) NOT NULL,
	placed_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS processed_order (
	id VARCHAR(100) PRIMARY KEY,
	item VARCHAR(200) NOT NULL,
	quantity INT NOT NULL,
	source VARCHAR(200) NOT NULL,
	processed_at TIMESTAMP NOT NULL
);
