-- Every write to a request checks the version it read (optimistic locking):
-- two people acting on one request at once cannot both succeed.
ALTER TABLE requests ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- One number that every write the dashboard depends on increases, so a
-- server sees writes made by another process (the CLI import, a second
-- server) and reloads what it keeps in memory.
CREATE TABLE data_version (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);

-- The last number given out per code prefix (e.g. SQ2026-): taking the next
-- one is a single upsert, so concurrent submissions never take the same.
CREATE TABLE code_sequences (
    prefix TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);
