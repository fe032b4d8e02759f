-- Financing (银企对接): enterprises' needs, the institutions' claims (the
-- first three win), the choice, and the chosen institution's steps
-- (contact, credit, loan, decline), each dated.

CREATE TABLE financing_needs (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    amount_yuan BIGINT NOT NULL,
    purpose TEXT NOT NULL,
    term_months BIGINT NOT NULL,
    collateral TEXT NOT NULL DEFAULT '',
    project_id BIGINT REFERENCES projects(id),
    visit_id BIGINT REFERENCES visits(id),
    posted_on TEXT NOT NULL,
    chosen_unit_id BIGINT REFERENCES org_units(id),
    chosen_on TEXT,
    version BIGINT NOT NULL DEFAULT 0,
    posted_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX financing_needs_enterprise ON financing_needs (enterprise_id);
CREATE INDEX financing_needs_posted ON financing_needs (posted_on);

CREATE TABLE financing_claims (
    need_id BIGINT NOT NULL REFERENCES financing_needs(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    position BIGINT NOT NULL,
    claimed_on TEXT NOT NULL,
    claimed_by TEXT NOT NULL,
    PRIMARY KEY (need_id, unit_id),
    UNIQUE (need_id, position)
);

CREATE TABLE financing_outcomes (
    id INTEGER PRIMARY KEY,
    need_id BIGINT NOT NULL REFERENCES financing_needs(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    kind TEXT NOT NULL,
    amount_yuan BIGINT,
    on_date TEXT NOT NULL,
    rate TEXT NOT NULL DEFAULT '',
    guarantor TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX financing_outcomes_need ON financing_outcomes (need_id);
