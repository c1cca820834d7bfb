-- The enterprise portal: accounts that act for one enterprise, and the files an enterprise
-- (or a window officer) attaches to a request.

CREATE TABLE portal_account (
    account_id UUID PRIMARY KEY NOT NULL REFERENCES account (id),
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    created_by UUID REFERENCES account (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX portal_account_enterprise_ix ON portal_account (enterprise_id);

CREATE TABLE request_attachment (
    id UUID PRIMARY KEY NOT NULL,
    request_id UUID NOT NULL REFERENCES service_request (id),
    entry_key TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data BYTEA NOT NULL,
    uploaded_by UUID REFERENCES account (id),
    uploaded_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX request_attachment_request_ix ON request_attachment (request_id, created_at);
