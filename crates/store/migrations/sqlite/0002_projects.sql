-- Industrial projects, their monthly progress and milestone history, land parcels.
-- Dates are ISO-8601 text ('YYYY-MM-DD'); periods 'YYYY-MM'; money whole yuan;
-- land thousandths of a mu.

CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    national_code TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    enterprise_credit_code TEXT NOT NULL DEFAULT '',
    enterprise_name TEXT NOT NULL DEFAULT '',
    township_id BIGINT NOT NULL REFERENCES org_units(id),
    kind TEXT NOT NULL,
    key_project BIGINT NOT NULL DEFAULT 0,
    planned_investment_yuan BIGINT NOT NULL DEFAULT 0,
    land_area_millimu BIGINT NOT NULL DEFAULT 0,
    responsible_unit_id BIGINT REFERENCES org_units(id),
    responsible_person TEXT NOT NULL DEFAULT '',
    responsible_phone TEXT NOT NULL DEFAULT '',
    pre_phase_funding_yuan BIGINT NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    reserved_on TEXT,
    approved_on TEXT,
    land_supplied_on TEXT,
    site_entered_on TEXT,
    started_on TEXT,
    completed_on TEXT,
    in_production_on TEXT,
    planned_reserved_on TEXT,
    planned_approved_on TEXT,
    planned_land_supplied_on TEXT,
    planned_site_entered_on TEXT,
    planned_started_on TEXT,
    planned_completed_on TEXT,
    planned_in_production_on TEXT,
    variance_note TEXT NOT NULL DEFAULT '',
    planned_completion_year BIGINT,
    status TEXT NOT NULL DEFAULT 'active',
    status_on TEXT,
    status_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX projects_township ON projects (township_id);
CREATE INDEX projects_unit ON projects (responsible_unit_id);

CREATE TABLE project_progress (
    project_id BIGINT NOT NULL REFERENCES projects(id),
    period TEXT NOT NULL,
    investment_yuan BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (project_id, period)
);
CREATE INDEX project_progress_period ON project_progress (period);

CREATE TABLE milestone_events (
    id INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    milestone TEXT NOT NULL,
    which TEXT NOT NULL,
    old_date TEXT,
    new_date TEXT,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    actor_name TEXT NOT NULL
);
CREATE INDEX milestone_events_project ON milestone_events (project_id);

CREATE TABLE land_parcels (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    township_id BIGINT NOT NULL REFERENCES org_units(id),
    area_millimu BIGINT NOT NULL,
    expropriated_on TEXT,
    supplied_on TEXT,
    project_id BIGINT REFERENCES projects(id),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX land_parcels_project ON land_parcels (project_id);
