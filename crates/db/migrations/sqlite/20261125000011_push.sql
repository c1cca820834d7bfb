-- Targeted policy pushes and the enterprise inbox (the portal's in-app channel). A delivery's
-- key (push, enterprise) is what makes a push reach an enterprise at most once.

CREATE TABLE inbox_message (
    id BLOB PRIMARY KEY NOT NULL,
    enterprise_id BLOB NOT NULL REFERENCES enterprise (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    ref_type TEXT NOT NULL,
    ref_id TEXT,
    created_at TEXT NOT NULL,
    read_at TEXT,
    read_by BLOB REFERENCES account (id)
);
CREATE INDEX inbox_message_enterprise_ix ON inbox_message (enterprise_id, created_at);

CREATE TABLE policy_push (
    id BLOB PRIMARY KEY NOT NULL,
    policy_id BLOB NOT NULL REFERENCES policy (id),
    target TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    job_id BLOB,
    created_by BLOB REFERENCES account (id),
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX policy_push_policy_ix ON policy_push (policy_id, created_at);

CREATE TABLE push_delivery (
    push_id BLOB NOT NULL REFERENCES policy_push (id),
    enterprise_id BLOB NOT NULL REFERENCES enterprise (id),
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    message_id BLOB,
    sent_at TEXT,
    read_at TEXT,
    PRIMARY KEY (push_id, enterprise_id)
);
CREATE INDEX push_delivery_message_ix ON push_delivery (message_id);
