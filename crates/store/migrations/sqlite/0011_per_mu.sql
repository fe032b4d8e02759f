-- The per-mu efficiency evaluation of enterprises (亩均效益综合评价): annual
-- data per enterprise and year (a null figure is not entered: the monthly
-- statistics prefill it), evaluations per data year with their settings and
-- lifecycle, the results of the last computation (one row per enterprise in
-- scope, filtered and paged in the database), the office's bonus and
-- deduction, objections during the 公示. Credit events get stable kinds
-- (honour, penalty and the new veto).

UPDATE credit_events SET kind = 'honour' WHERE kind = '荣誉';
UPDATE credit_events SET kind = 'penalty' WHERE kind = '处罚';
CREATE INDEX credit_events_kind ON credit_events (kind, on_date);

CREATE TABLE per_mu_data (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    year BIGINT NOT NULL,
    land_millimu BIGINT,
    tax_yuan BIGINT,
    value_added_yuan BIGINT,
    energy_kgce BIGINT,
    emission_kg BIGINT,
    employees BIGINT,
    rd_expense_yuan BIGINT,
    revenue_yuan BIGINT,
    electricity_kwh BIGINT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, year)
);

CREATE TABLE per_mu_evaluations (
    id INTEGER PRIMARY KEY,
    year BIGINT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'draft',
    settings_json TEXT NOT NULL,
    benchmarks_json TEXT,
    out_of_scope_json TEXT,
    computed_at TEXT,
    published_on TEXT,
    notice_ends_on TEXT,
    finalized_on TEXT,
    bulletin_id BIGINT REFERENCES bulletins(id),
    version BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE per_mu_results (
    evaluation_id BIGINT NOT NULL REFERENCES per_mu_evaluations(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    grp TEXT NOT NULL,
    class TEXT NOT NULL,
    rank BIGINT,
    total BIGINT,
    township_code TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, enterprise_id)
);
CREATE INDEX per_mu_results_list ON per_mu_results (evaluation_id, grp, rank);
CREATE INDEX per_mu_results_enterprise ON per_mu_results (enterprise_id);

CREATE TABLE per_mu_adjustments (
    evaluation_id BIGINT NOT NULL REFERENCES per_mu_evaluations(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    bonus BIGINT NOT NULL DEFAULT 0,
    bonus_reason TEXT NOT NULL DEFAULT '',
    deduction BIGINT NOT NULL DEFAULT 0,
    deduction_reason TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, enterprise_id)
);

CREATE TABLE per_mu_objections (
    id INTEGER PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES per_mu_evaluations(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    reason TEXT NOT NULL,
    filename TEXT,
    content_type TEXT,
    data BLOB,
    lodged_by TEXT NOT NULL,
    lodged_at TEXT NOT NULL,
    -- open, corrected (data corrected and recomputed) or rejected.
    status TEXT NOT NULL DEFAULT 'open',
    answer TEXT,
    answered_by TEXT,
    answered_at TEXT
);
CREATE INDEX per_mu_objections_evaluation ON per_mu_objections (evaluation_id, enterprise_id);
