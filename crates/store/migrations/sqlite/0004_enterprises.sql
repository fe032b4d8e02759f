-- Enterprises keyed by the unified social credit code (or an old organisation
-- code), per-year attributes, monthly statistics with their revisions, brands,
-- credit ratings and events. Money whole yuan; land thousandths of a mu;
-- energy in kilograms of standard coal; electricity in kWh.

CREATE TABLE enterprises (
    id INTEGER PRIMARY KEY,
    credit_code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    former_names TEXT NOT NULL DEFAULT '',
    township_id BIGINT NOT NULL REFERENCES org_units(id),
    industry_code TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    contact_person TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    established_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX enterprises_township ON enterprises (township_id);

CREATE TABLE enterprise_years (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    year BIGINT NOT NULL,
    above_scale BIGINT NOT NULL DEFAULT 0,
    tier TEXT NOT NULL DEFAULT 'none',
    unit_scope TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (enterprise_id, year)
);

CREATE TABLE enterprise_stats (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    period TEXT NOT NULL,
    output_value_yuan BIGINT NOT NULL,
    sales_value_yuan BIGINT NOT NULL,
    electricity_kwh BIGINT NOT NULL DEFAULT 0,
    energy_kgce BIGINT NOT NULL DEFAULT 0,
    tax_yuan BIGINT NOT NULL DEFAULT 0,
    employees BIGINT NOT NULL DEFAULT 0,
    land_millimu BIGINT NOT NULL DEFAULT 0,
    revision BIGINT NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, period)
);
CREATE INDEX enterprise_stats_period ON enterprise_stats (period);

-- Earlier revisions of a month's statistics; the row in enterprise_stats is the latest.
CREATE TABLE enterprise_stat_revisions (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    period TEXT NOT NULL,
    revision BIGINT NOT NULL,
    output_value_yuan BIGINT NOT NULL,
    sales_value_yuan BIGINT NOT NULL,
    electricity_kwh BIGINT NOT NULL,
    energy_kgce BIGINT NOT NULL,
    tax_yuan BIGINT NOT NULL,
    employees BIGINT NOT NULL,
    land_millimu BIGINT NOT NULL,
    replaced_at TEXT NOT NULL,
    replaced_by TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, period, revision)
);

CREATE TABLE brands (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    status TEXT NOT NULL,
    applied_on TEXT,
    granted_on TEXT,
    notes TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    UNIQUE (enterprise_id, name, level)
);

CREATE TABLE credit_ratings (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    year BIGINT NOT NULL,
    rating TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (enterprise_id, year)
);

CREATE TABLE credit_events (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    on_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX credit_events_enterprise ON credit_events (enterprise_id);
