-- The green channel: approval items of projects, with statutory time limits in working days.
CREATE TABLE project_approvals (
    id INTEGER PRIMARY KEY,
    project_id BIGINT NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    department_id BIGINT NOT NULL REFERENCES org_units(id),
    submitted_on TEXT,
    approved_on TEXT,
    limit_working_days BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX project_approvals_project ON project_approvals (project_id);
CREATE INDEX project_approvals_department ON project_approvals (department_id);
