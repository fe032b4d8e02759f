-- Enterprise service requests as a closed loop: categories with limits in
-- working days, routing rules, visits, requests with their deadlines, every
-- step as an event, attachments, extensions, ratings; the joint meeting with
-- its agenda, attendees and decisions (action items are requests of kind
-- 'action_item'); the office's edits of the working-day calendar.

CREATE TABLE request_categories (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    accept_days BIGINT NOT NULL DEFAULT 1,
    reply_days BIGINT NOT NULL DEFAULT 3,
    resolve_days BIGINT NOT NULL DEFAULT 15,
    sort_order BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 1
);
INSERT INTO request_categories (code, name, sort_order) VALUES
    ('land', '用地', 1), ('financing', '融资', 2), ('power', '用电', 3),
    ('approvals', '审批', 4), ('talent_labour', '人才与用工', 5), ('tax', '税收', 6),
    ('policy', '政策', 7), ('infrastructure', '基础设施', 8),
    ('environment_safety', '环保与安全', 9), ('other', '其他', 10);

CREATE TABLE request_routes (
    id INTEGER PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES request_categories(id),
    township_id BIGINT REFERENCES org_units(id),
    working_group_id BIGINT REFERENCES working_groups(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id)
);
CREATE UNIQUE INDEX request_routes_key ON request_routes (category_id, COALESCE(township_id, 0));

CREATE TABLE calendar_years (
    year BIGINT PRIMARY KEY,
    toml TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TABLE visits (
    id INTEGER PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    visited_on TEXT NOT NULL,
    visitors TEXT NOT NULL,
    findings TEXT NOT NULL,
    follow_up_of BIGINT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX visits_enterprise ON visits (enterprise_id);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    chair TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'planned',
    summary TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL DEFAULT 'enterprise',
    enterprise_id BIGINT REFERENCES enterprises(id),
    project_id BIGINT REFERENCES projects(id),
    category_id BIGINT NOT NULL REFERENCES request_categories(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    unit_id BIGINT REFERENCES org_units(id),
    working_group_id BIGINT REFERENCES working_groups(id),
    visit_id BIGINT REFERENCES visits(id),
    meeting_id BIGINT REFERENCES meetings(id),
    filed_by_staff BIGINT NOT NULL DEFAULT 0,
    submitted_on TEXT NOT NULL,
    first_assigned_on TEXT,
    assigned_on TEXT,
    accepted_on TEXT,
    replied_on TEXT,
    resolved_on TEXT,
    closed_on TEXT,
    reopened_on TEXT,
    fixed_resolve_due TEXT,
    accept_due TEXT,
    reply_due TEXT,
    resolve_due TEXT,
    provisional BIGINT NOT NULL DEFAULT 0,
    extension_days BIGINT NOT NULL DEFAULT 0,
    rating TEXT,
    reopen_count BIGINT NOT NULL DEFAULT 0,
    created_by_user_id BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX requests_unit ON requests (unit_id, status);
CREATE INDEX requests_enterprise ON requests (enterprise_id);
CREATE INDEX requests_submitted ON requests (submitted_on);
CREATE INDEX requests_meeting ON requests (meeting_id);

CREATE TABLE request_events (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests(id),
    at TEXT NOT NULL,
    on_date TEXT NOT NULL,
    actor_user_id BIGINT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    unit_id BIGINT REFERENCES org_units(id),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_events_request ON request_events (request_id);

CREATE TABLE request_attachments (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX request_attachments_request ON request_attachments (request_id);

CREATE TABLE request_extensions (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    days BIGINT NOT NULL,
    reason TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    decided_by TEXT,
    decided_at TEXT,
    decision_note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX request_extensions_one ON request_extensions (request_id);

CREATE TABLE request_ratings (
    id INTEGER PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES requests(id),
    level TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    rated_by TEXT NOT NULL,
    rated_at TEXT NOT NULL
);
CREATE INDEX request_ratings_request ON request_ratings (request_id);

CREATE TABLE meeting_attendees (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (meeting_id, unit_id)
);

CREATE TABLE meeting_agenda (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    position BIGINT NOT NULL,
    request_id BIGINT REFERENCES requests(id),
    project_id BIGINT REFERENCES projects(id),
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meeting_agenda_meeting ON meeting_agenda (meeting_id);

CREATE TABLE meeting_decisions (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings(id),
    agenda_id BIGINT REFERENCES meeting_agenda(id),
    position BIGINT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions (meeting_id);

-- Supervision notices (督查通报) are documents of the office like bulletins:
-- the same table, the same number sequence, frozen once issued.
ALTER TABLE bulletins ADD COLUMN kind TEXT NOT NULL DEFAULT 'bulletin';
