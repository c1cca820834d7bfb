-- Background jobs with leased claims (imports now; reminders and pushes later).

CREATE TABLE job (
    id UUID PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    payload TEXT NOT NULL,
    result TEXT,
    error TEXT,
    progress BIGINT NOT NULL,
    total BIGINT NOT NULL,
    attempts BIGINT NOT NULL,
    run_at TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ,
    leased_by TEXT,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX job_due_ix ON job (status, run_at);

CREATE TABLE job_file (
    job_id UUID PRIMARY KEY NOT NULL REFERENCES job (id),
    name TEXT NOT NULL,
    data BYTEA NOT NULL
);
