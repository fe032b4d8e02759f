-- The year-end evaluation of the member units (评议) and the service awards:
-- rounds with their settings and lifecycle, one ballot per respondent, unit
-- and round, vetoes, objections during the 公示, and the frozen results.

CREATE TABLE evaluation_rounds (
    id INTEGER PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    settings_json TEXT NOT NULL,
    opened_on TEXT,
    closed_on TEXT,
    published_on TEXT,
    notice_ends_on TEXT,
    finalized_on TEXT,
    -- The results as they stood at final, with the settings' amounts.
    results_json TEXT,
    bulletin_id BIGINT REFERENCES bulletins(id),
    version BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX evaluation_rounds_campaign ON evaluation_rounds (campaign_id);

CREATE TABLE evaluation_ballots (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    grp TEXT NOT NULL,
    -- A credit code (enterprise) or a unit code (grassroots).
    respondent TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    level TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    -- online, paper, import or api.
    source TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (round_id, grp, respondent, unit_id)
);
CREATE INDEX evaluation_ballots_unit ON evaluation_ballots (round_id, unit_id);

CREATE TABLE evaluation_vetoes (
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    reason TEXT NOT NULL,
    given_by TEXT NOT NULL,
    given_at TEXT NOT NULL,
    PRIMARY KEY (round_id, unit_id)
);

CREATE TABLE evaluation_objections (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES evaluation_rounds(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    reason TEXT NOT NULL,
    lodged_by TEXT NOT NULL,
    lodged_at TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_at TEXT
);
CREATE INDEX evaluation_objections_round ON evaluation_objections (round_id);
