-- When each user last looked at what waits for them (待办), so items that
-- changed since are marked new.
CREATE TABLE notification_reads (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    seen_at TEXT NOT NULL
);
