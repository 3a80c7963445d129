CREATE TABLE IF NOT EXISTS lossless_processed_message (
	consumer_id VARCHAR(255) NOT NULL,
	message_id VARCHAR(512) NOT NULL,
	processed_at TIMESTAMP NOT NULL,
	PRIMARY KEY (consumer_id, message_id)
);

CREATE INDEX IF NOT EXISTS lossless_processed_message_processed_at ON lossless_processed_message (processed_at);
