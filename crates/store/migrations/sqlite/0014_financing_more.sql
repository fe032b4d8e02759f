-- Org units can be retired (kept for history, gone from pickers); the rest
-- of financing: guaranteed loans, reminders (催办) of overdue steps, and
-- project promotion lists (推介) with the institutions' interest.

ALTER TABLE org_units ADD COLUMN active BIGINT NOT NULL DEFAULT 1;

ALTER TABLE financing_outcomes ADD COLUMN guarantee_yuan BIGINT;

CREATE TABLE financing_reminders (
    id INTEGER PRIMARY KEY,
    need_id BIGINT NOT NULL REFERENCES financing_needs(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    step TEXT NOT NULL,
    note TEXT NOT NULL,
    reminded_on TEXT NOT NULL,
    reminded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX financing_reminders_need ON financing_reminders (need_id);

CREATE TABLE financing_promotions (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    meeting_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    published_on TEXT,
    version BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE financing_promotion_items (
    id INTEGER PRIMARY KEY,
    promotion_id BIGINT NOT NULL REFERENCES financing_promotions(id),
    project_id BIGINT NOT NULL REFERENCES projects(id),
    to_raise_yuan BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (promotion_id, project_id)
);

CREATE TABLE financing_promotion_interests (
    item_id BIGINT NOT NULL REFERENCES financing_promotion_items(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    signed_yuan BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    updated_on TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (item_id, unit_id)
);
