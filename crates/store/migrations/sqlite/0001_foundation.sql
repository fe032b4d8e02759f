-- Foundation: organisation, campaigns, targets, awards, users, sessions, audit.
-- Dates and timestamps are ISO-8601 text on both backends (one portable form);
-- flags are 0/1 integers; money in whole yuan; land in thousandths of a mu.

CREATE TABLE org_units (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id BIGINT REFERENCES org_units(id),
    placeholder BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    sort_order BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    year BIGINT NOT NULL,
    title TEXT NOT NULL,
    short_title TEXT NOT NULL,
    issuing_body TEXT NOT NULL,
    document_number TEXT NOT NULL DEFAULT '',
    issued_on TEXT NOT NULL,
    division_code TEXT NOT NULL,
    source_text TEXT NOT NULL,
    leader_head TEXT NOT NULL,
    leader_deputies TEXT NOT NULL,
    office_unit_id BIGINT REFERENCES org_units(id),
    joint_meeting_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE campaign_members (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    sort_order BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, unit_id)
);

CREATE TABLE working_groups (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    duties TEXT NOT NULL,
    sort_order BIGINT NOT NULL,
    UNIQUE (campaign_id, code)
);

CREATE TABLE working_group_units (
    group_id BIGINT NOT NULL REFERENCES working_groups(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    role TEXT NOT NULL,
    sort_order BIGINT NOT NULL,
    PRIMARY KEY (group_id, unit_id)
);

CREATE TABLE targets (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    formula_kind TEXT NOT NULL,
    formula_json TEXT NOT NULL,
    value_unit TEXT NOT NULL,
    target_value BIGINT NOT NULL,
    count_word TEXT NOT NULL DEFAULT '',
    working_group_id BIGINT REFERENCES working_groups(id),
    sort_order BIGINT NOT NULL,
    UNIQUE (campaign_id, code)
);

CREATE TABLE target_units (
    target_id BIGINT NOT NULL REFERENCES targets(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    sort_order BIGINT NOT NULL,
    PRIMARY KEY (target_id, unit_id)
);

CREATE TABLE award_tiers (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    rank BIGINT NOT NULL,
    name TEXT NOT NULL,
    winners BIGINT,
    amount_yuan BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, rank)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_id BIGINT REFERENCES org_units(id),
    enterprise_code TEXT,
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL,
    last_login_at TEXT
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_user_id BIGINT,
    actor_name TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);
