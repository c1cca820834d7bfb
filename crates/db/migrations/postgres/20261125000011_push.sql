-- Targeted policy pushes and the enterprise inbox (the portal's in-app channel). A delivery's
-- key (push, enterprise) is what makes a push reach an enterprise at most once.

CREATE TABLE inbox_message (
    id UUID PRIMARY KEY NOT NULL,
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    ref_type TEXT NOT NULL,
    ref_id TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ,
    read_by UUID REFERENCES account (id)
);
CREATE INDEX inbox_message_enterprise_ix ON inbox_message (enterprise_id, created_at);

CREATE TABLE policy_push (
    id UUID PRIMARY KEY NOT NULL,
    policy_id UUID NOT NULL REFERENCES policy (id),
    target TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    job_id UUID,
    created_by UUID REFERENCES account (id),
    created_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ
);
CREATE INDEX policy_push_policy_ix ON policy_push (policy_id, created_at);

CREATE TABLE push_delivery (
    push_id UUID NOT NULL REFERENCES policy_push (id),
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    message_id UUID,
    sent_at TIMESTAMPTZ,
    read_at TIMESTAMPTZ,
    PRIMARY KEY (push_id, enterprise_id)
);
CREATE INDEX push_delivery_message_ix ON push_delivery (message_id);
