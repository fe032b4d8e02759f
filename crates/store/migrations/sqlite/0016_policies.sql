-- Policies (产业引导政策、惠企政策): the text, who it applies to (rules as
-- JSON), and on publishing the matched enterprises with their reasons,
-- each read once opened. A request can ask about a policy.

CREATE TABLE policies (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    document_number TEXT NOT NULL,
    issuing_body TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    effective_on TEXT,
    expires_on TEXT,
    body TEXT NOT NULL,
    interpretation TEXT NOT NULL,
    categories TEXT NOT NULL,
    applies_to TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    published_on TEXT,
    version BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE policy_matches (
    policy_id BIGINT NOT NULL REFERENCES policies(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    reasons TEXT NOT NULL,
    read_at TEXT,
    PRIMARY KEY (policy_id, enterprise_id)
);
CREATE INDEX policy_matches_enterprise ON policy_matches (enterprise_id);

ALTER TABLE requests ADD COLUMN policy_id BIGINT REFERENCES policies(id);
