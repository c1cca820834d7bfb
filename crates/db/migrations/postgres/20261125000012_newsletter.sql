-- 政策服务专递: newsletter issues sent to a list of enterprises through the portal inbox, with
-- one delivery per enterprise (sent, read) and an archive the enterprises read.

CREATE TABLE newsletter (
    id UUID PRIMARY KEY NOT NULL,
    bureau_id UUID NOT NULL REFERENCES bureau (id),
    issue_no TEXT NOT NULL,
    title TEXT NOT NULL,
    intro TEXT NOT NULL,
    items TEXT NOT NULL,
    audience TEXT NOT NULL,
    status TEXT NOT NULL,
    job_id UUID,
    created_by_name TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX newsletter_bureau_ix ON newsletter (bureau_id, status, sent_at);

CREATE TABLE newsletter_delivery (
    newsletter_id UUID NOT NULL REFERENCES newsletter (id),
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    status TEXT NOT NULL,
    message_id UUID,
    sent_at TIMESTAMPTZ,
    read_at TIMESTAMPTZ,
    PRIMARY KEY (newsletter_id, enterprise_id)
);
CREATE INDEX newsletter_delivery_message_ix ON newsletter_delivery (message_id);
