-- Notices (通知公告): announcements to staff and / or enterprises, with read receipts.

CREATE TABLE notice (
    id BLOB PRIMARY KEY NOT NULL,
    bureau_id BLOB REFERENCES bureau (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    audience TEXT NOT NULL,
    roles TEXT NOT NULL,
    station_id BLOB REFERENCES station (id),
    publish_from TEXT,
    publish_to TEXT,
    status TEXT NOT NULL,
    pinned BOOLEAN NOT NULL,
    created_by_name TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX notice_status_ix ON notice (status, publish_from);

CREATE TABLE notice_read (
    notice_id BLOB NOT NULL REFERENCES notice (id),
    account_id BLOB NOT NULL REFERENCES account (id),
    read_at TEXT NOT NULL,
    PRIMARY KEY (notice_id, account_id)
);
