-- The orderly-power plan (有序用电): power accounts of enterprises, plans per
-- period and day with their time slots and the computed assignments, the
-- enterprises' acknowledgements of an issued plan, and actual loads.

CREATE TABLE power_accounts (
    id INTEGER PRIMARY KEY,
    account_no TEXT NOT NULL UNIQUE,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    feeder TEXT NOT NULL DEFAULT '',
    contract_kw BIGINT NOT NULL,
    peak_kw BIGINT NOT NULL,
    security_kw BIGINT NOT NULL,
    protected BIGINT NOT NULL DEFAULT 0,
    restricted BIGINT NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX power_accounts_enterprise ON power_accounts (enterprise_id);

CREATE TABLE power_plans (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,
    plan_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    computed_at TEXT,
    issued_at TEXT,
    issued_by TEXT,
    version BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (period, plan_date)
);

CREATE TABLE power_slots (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL REFERENCES power_plans(id),
    start_min BIGINT NOT NULL,
    end_min BIGINT NOT NULL,
    gap_kw BIGINT NOT NULL,
    forecast_max_kw BIGINT NOT NULL,
    level TEXT NOT NULL DEFAULT 'IV',
    shed_kw BIGINT NOT NULL DEFAULT 0,
    uncovered_kw BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX power_slots_plan ON power_slots (plan_id, start_min);

CREATE TABLE power_assignments (
    slot_id BIGINT NOT NULL REFERENCES power_slots(id),
    plan_id BIGINT NOT NULL REFERENCES power_plans(id),
    account_id BIGINT NOT NULL REFERENCES power_accounts(id),
    position BIGINT NOT NULL,
    class TEXT NOT NULL,
    restricted BIGINT NOT NULL DEFAULT 0,
    shed_kw BIGINT NOT NULL,
    actual_kw BIGINT,
    PRIMARY KEY (slot_id, account_id)
);
CREATE INDEX power_assignments_plan ON power_assignments (plan_id);
CREATE INDEX power_assignments_account ON power_assignments (account_id);

CREATE TABLE power_acks (
    plan_id BIGINT NOT NULL REFERENCES power_plans(id),
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    acknowledged_at TEXT NOT NULL,
    acknowledged_by TEXT NOT NULL,
    PRIMARY KEY (plan_id, enterprise_id)
);
