-- Bulletins (通报): how a campaign heads them, and every issued bulletin,
-- numbered in sequence per year and frozen once issued.
ALTER TABLE campaigns ADD COLUMN bulletin_issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN bulletin_prefix TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN bulletin_addressee TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN bulletin_copy_to TEXT NOT NULL DEFAULT '';

CREATE TABLE bulletins (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    doc_number TEXT NOT NULL,
    title TEXT NOT NULL,
    as_of TEXT NOT NULL,
    content_json TEXT NOT NULL,
    docx BLOB NOT NULL,
    issued_at TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    UNIQUE (campaign_id, year, seq)
);
