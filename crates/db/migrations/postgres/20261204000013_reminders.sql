-- Alarm-clock reminders and the notification outbox. A reminder's key (rule, subject, due date,
-- offset) is what makes it fire at most once; a notification's key is what makes a message to
-- one recipient on one channel exist at most once, however often a sweep or a job runs.

CREATE TABLE reminder_rule (
    id UUID PRIMARY KEY NOT NULL,
    bureau_id UUID NOT NULL REFERENCES bureau (id),
    -- a station's own rule (its station manager's); none: the whole bureau's
    station_id UUID REFERENCES station (id),
    name TEXT NOT NULL,
    watch TEXT NOT NULL,
    subject_filter TEXT,
    offsets TEXT NOT NULL,
    offset_unit TEXT NOT NULL,
    recipients TEXT NOT NULL,
    channels TEXT NOT NULL,
    escalate_after BIGINT,
    title_zh TEXT NOT NULL,
    body_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_en TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX reminder_rule_bureau_ix ON reminder_rule (bureau_id, name);

CREATE TABLE reminder (
    id UUID PRIMARY KEY NOT NULL,
    rule_id UUID NOT NULL REFERENCES reminder_rule (id),
    bureau_id UUID NOT NULL REFERENCES bureau (id),
    station_id UUID NOT NULL REFERENCES station (id),
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    subject_id UUID NOT NULL,
    subject TEXT NOT NULL,
    due_on DATE NOT NULL,
    offset_days BIGINT NOT NULL,
    fire_on DATE NOT NULL,
    status TEXT NOT NULL,
    level BIGINT NOT NULL,
    handler_id UUID REFERENCES account (id),
    notified_at TIMESTAMPTZ,
    acked_at TIMESTAMPTZ,
    acked_by UUID REFERENCES account (id),
    acked_by_name TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX reminder_key_uq ON reminder (rule_id, subject_id, due_on, offset_days);
CREATE INDEX reminder_status_ix ON reminder (status, notified_at);
CREATE INDEX reminder_enterprise_ix ON reminder (enterprise_id, due_on);
CREATE INDEX reminder_station_ix ON reminder (station_id, fire_on);

CREATE TABLE notification (
    id UUID PRIMARY KEY NOT NULL,
    dedupe_key TEXT NOT NULL,
    source_type TEXT NOT NULL,
    source_id UUID NOT NULL,
    bureau_id UUID REFERENCES bureau (id),
    enterprise_id UUID REFERENCES enterprise (id),
    channel TEXT NOT NULL,
    recipient_type TEXT NOT NULL,
    recipient_id UUID,
    recipient_name TEXT NOT NULL,
    address TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_en TEXT NOT NULL,
    level BIGINT NOT NULL,
    status TEXT NOT NULL,
    error TEXT,
    attempts BIGINT NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    claimed_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    read_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX notification_key_uq ON notification (dedupe_key);
CREATE INDEX notification_due_ix ON notification (status, next_attempt_at);
CREATE INDEX notification_recipient_ix ON notification (recipient_id, channel, created_at);
CREATE INDEX notification_source_ix ON notification (source_id);
CREATE INDEX notification_bureau_ix ON notification (bureau_id, created_at);

-- A policy push may also go out by e-mail and webhook to the enterprise's contacts.
ALTER TABLE policy_push ADD COLUMN channels TEXT NOT NULL DEFAULT 'inbox';
