-- Working-day calendar, service catalog and one-door requests (一门式).

CREATE TABLE calendar_year (
    year BIGINT PRIMARY KEY NOT NULL,
    notice TEXT NOT NULL,
    document_no TEXT NOT NULL,
    published_on TEXT,
    source TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE calendar_day (
    id BLOB PRIMARY KEY NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    station_id BLOB REFERENCES station (id),
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX calendar_day_uq ON calendar_day (day) WHERE station_id IS NULL;
CREATE UNIQUE INDEX calendar_day_station_uq ON calendar_day (station_id, day) WHERE station_id IS NOT NULL;

CREATE TABLE service_category (
    code TEXT PRIMARY KEY NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    builtin BOOLEAN NOT NULL,
    sort_order BIGINT NOT NULL
);
INSERT INTO service_category (code, name_zh, name_en, builtin, sort_order) VALUES
    ('ip', '知识产权保护与运用', 'Intellectual property protection and use', TRUE, 10),
    ('quality', '质量提升', 'Quality improvement', TRUE, 20),
    ('standard', '标准化', 'Standardisation', TRUE, 30),
    ('certification', '产品质量认证', 'Product quality certification', TRUE, 40);

CREATE TABLE service_item (
    id BLOB PRIMARY KEY NOT NULL,
    bureau_id BLOB NOT NULL REFERENCES bureau (id),
    station_id BLOB REFERENCES station (id),
    category_code TEXT NOT NULL REFERENCES service_category (code),
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    conditions TEXT NOT NULL,
    guide TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    fee_kind TEXT NOT NULL,
    fee_cents BIGINT,
    provider TEXT NOT NULL,
    department_id BLOB REFERENCES department (id),
    process_type TEXT NOT NULL,
    limit_value BIGINT NOT NULL,
    limit_unit TEXT NOT NULL,
    slip_version BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX service_item_bureau_ix ON service_item (bureau_id, status);
CREATE INDEX service_item_station_ix ON service_item (station_id);

CREATE TABLE service_slip (
    id BLOB PRIMARY KEY NOT NULL,
    item_id BLOB NOT NULL REFERENCES service_item (id),
    slip_version BIGINT NOT NULL,
    entries TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX service_slip_uq ON service_slip (item_id, slip_version);

CREATE TABLE service_request (
    id BLOB PRIMARY KEY NOT NULL,
    number TEXT NOT NULL,
    bureau_id BLOB NOT NULL REFERENCES bureau (id),
    station_id BLOB NOT NULL REFERENCES station (id),
    item_id BLOB NOT NULL REFERENCES service_item (id),
    slip_version BIGINT NOT NULL,
    enterprise_id BLOB NOT NULL REFERENCES enterprise (id),
    process_type TEXT NOT NULL,
    channel TEXT NOT NULL,
    window_no TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_phone_enc TEXT,
    applicant_phone_hash TEXT,
    state TEXT NOT NULL,
    stage TEXT NOT NULL,
    department_id BLOB REFERENCES department (id),
    handler_id BLOB REFERENCES account (id),
    intake_by BLOB REFERENCES account (id),
    intake_by_name TEXT NOT NULL,
    arrived_at TEXT,
    received_at TEXT NOT NULL,
    decided_at TEXT,
    accepted_on TEXT,
    limit_value BIGINT NOT NULL,
    limit_unit TEXT NOT NULL,
    paused_days BIGINT NOT NULL,
    paused_since TEXT,
    resume_state TEXT,
    extended_days BIGINT NOT NULL,
    deadline TEXT,
    missing_years TEXT NOT NULL,
    checked TEXT NOT NULL,
    refusal_reason TEXT NOT NULL,
    refused_entries TEXT NOT NULL,
    missing_entries TEXT NOT NULL,
    result TEXT NOT NULL,
    completed_at TEXT,
    delivered_at TEXT,
    delivered_to TEXT NOT NULL,
    delivery_method TEXT NOT NULL,
    delivered_by_name TEXT NOT NULL,
    note TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX service_request_number_uq ON service_request (number);
CREATE INDEX service_request_queue_ix ON service_request (station_id, state, deadline);
CREATE INDEX service_request_enterprise_ix ON service_request (enterprise_id);
CREATE INDEX service_request_handler_ix ON service_request (handler_id, state);
CREATE INDEX service_request_received_ix ON service_request (received_at);
CREATE INDEX service_request_item_ix ON service_request (item_id);

CREATE TABLE request_event (
    id BLOB PRIMARY KEY NOT NULL,
    request_id BLOB NOT NULL REFERENCES service_request (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    stage TEXT NOT NULL,
    actor_id BLOB REFERENCES account (id),
    actor_name TEXT NOT NULL,
    department_id BLOB REFERENCES department (id),
    department_name TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX request_event_ix ON request_event (request_id, at);

CREATE TABLE request_extension (
    id BLOB PRIMARY KEY NOT NULL,
    request_id BLOB NOT NULL REFERENCES service_request (id),
    days BIGINT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    requested_by BLOB REFERENCES account (id),
    requested_by_name TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    decided_by BLOB REFERENCES account (id),
    decided_by_name TEXT NOT NULL,
    decided_at TEXT,
    decision_note TEXT NOT NULL
);
CREATE INDEX request_extension_ix ON request_extension (request_id);
