-- Fiscal support chosen on merit (财政专项资金择优扶持): programmes with
-- their settings, assigned experts, applications (eligibility computed at
-- submission), attachments, expert scores in hundredths of a point, the
-- ranking and awards written by the rank action, objections during the
-- 公示, payments and the performance self-evaluation.

CREATE TABLE fiscal_programmes (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    budget_yuan BIGINT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    share_bp BIGINT NOT NULL,
    cap_yuan BIGINT NOT NULL,
    passing BIGINT NOT NULL,
    publicity_days BIGINT NOT NULL,
    rules TEXT NOT NULL,
    criteria TEXT NOT NULL,
    status TEXT NOT NULL,
    ranked_on TEXT,
    published_on TEXT,
    finalized_on TEXT,
    version BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE fiscal_experts (
    programme_id BIGINT NOT NULL REFERENCES fiscal_programmes(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (programme_id, user_id)
);

CREATE TABLE fiscal_applications (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES fiscal_programmes(id),
    code TEXT NOT NULL UNIQUE,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    project_code TEXT NOT NULL,
    eligible_investment_yuan BIGINT NOT NULL,
    amount_yuan BIGINT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    eligible BIGINT NOT NULL,
    reasons TEXT NOT NULL,
    review_reason TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL,
    submitted_on TEXT NOT NULL,
    deduction BIGINT NOT NULL DEFAULT 0,
    deduction_reason TEXT NOT NULL DEFAULT '',
    score_num BIGINT,
    score_den BIGINT,
    rank BIGINT,
    award_yuan BIGINT,
    clawback BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    UNIQUE (programme_id, enterprise_id, project_code)
);
CREATE INDEX fiscal_applications_programme ON fiscal_applications (programme_id);

CREATE TABLE fiscal_attachments (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES fiscal_applications(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX fiscal_attachments_application ON fiscal_attachments (application_id);

CREATE TABLE fiscal_scores (
    application_id BIGINT NOT NULL REFERENCES fiscal_applications(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    conflict BIGINT NOT NULL,
    marks TEXT NOT NULL,
    total BIGINT NOT NULL,
    scored_at TEXT NOT NULL,
    PRIMARY KEY (application_id, user_id)
);

CREATE TABLE fiscal_objections (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES fiscal_programmes(id),
    application_id BIGINT REFERENCES fiscal_applications(id),
    author TEXT NOT NULL,
    contact TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_on TEXT
);

CREATE TABLE fiscal_payments (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES fiscal_applications(id),
    amount_yuan BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

CREATE TABLE fiscal_performance (
    application_id BIGINT PRIMARY KEY REFERENCES fiscal_applications(id),
    budget_execution BIGINT NOT NULL,
    output BIGINT NOT NULL,
    benefit BIGINT NOT NULL,
    satisfaction BIGINT NOT NULL,
    total BIGINT NOT NULL,
    grade TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    filed_on TEXT NOT NULL,
    filed_by TEXT NOT NULL
);
