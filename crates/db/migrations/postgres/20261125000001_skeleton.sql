-- Walking skeleton: organisation, accounts, roles, sessions, audit trail, duty roster.
-- PostgreSQL flavour: uuid = UUID, instants = TIMESTAMPTZ, dates = DATE.

-- to ../sqlite/ (a test compares them).

CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE region (
    id UUID PRIMARY KEY NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    parent_id UUID REFERENCES region (id),
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX region_code_uq ON region (code);
CREATE INDEX region_parent_ix ON region (parent_id);

CREATE TABLE bureau (
    id UUID PRIMARY KEY NOT NULL,
    region_id UUID NOT NULL REFERENCES region (id),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX bureau_name_uq ON bureau (name);
CREATE INDEX bureau_region_ix ON bureau (region_id);

CREATE TABLE station (
    id UUID PRIMARY KEY NOT NULL,
    bureau_id UUID NOT NULL REFERENCES bureau (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    window_count BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX station_name_uq ON station (bureau_id, name);

CREATE TABLE department (
    id UUID PRIMARY KEY NOT NULL,
    bureau_id UUID NOT NULL REFERENCES bureau (id),
    station_id UUID REFERENCES station (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX department_bureau_ix ON department (bureau_id);
CREATE INDEX department_station_ix ON department (station_id);

CREATE TABLE account (
    id UUID PRIMARY KEY NOT NULL,
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    bureau_id UUID REFERENCES bureau (id),
    station_id UUID REFERENCES station (id),
    department_id UUID REFERENCES department (id),
    password_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    failed_count BIGINT NOT NULL,
    failed_first_at TIMESTAMPTZ,
    locked_until TIMESTAMPTZ,
    totp_secret TEXT,
    totp_pending TEXT,
    totp_enabled BOOLEAN NOT NULL,
    totp_last_step BIGINT,
    password_change_required BOOLEAN NOT NULL,
    password_changed_at TIMESTAMPTZ NOT NULL,
    last_login_at TIMESTAMPTZ,
    last_login_ip TEXT,
    prev_login_at TIMESTAMPTZ,
    prev_login_ip TEXT,
    is_demo BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX account_username_uq ON account (username);
CREATE INDEX account_station_ix ON account (station_id);
CREATE INDEX account_bureau_ix ON account (bureau_id);

CREATE TABLE role_permission (
    role TEXT NOT NULL,
    permission TEXT NOT NULL,
    PRIMARY KEY (role, permission)
);

CREATE TABLE account_role (
    account_id UUID NOT NULL REFERENCES account (id),
    role TEXT NOT NULL,
    PRIMARY KEY (account_id, role)
);

CREATE TABLE session (
    id TEXT PRIMARY KEY NOT NULL,
    account_id UUID NOT NULL REFERENCES account (id),
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX session_account_ix ON session (account_id);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT,
    summary TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT,
    request_id TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_at_ix ON audit_log (at);
CREATE INDEX audit_log_action_ix ON audit_log (action);

CREATE TABLE duty_assignment (
    id UUID PRIMARY KEY NOT NULL,
    station_id UUID NOT NULL REFERENCES station (id),
    day DATE NOT NULL,
    window_no BIGINT NOT NULL,
    account_id UUID NOT NULL REFERENCES account (id),
    note TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX duty_window_uq ON duty_assignment (station_id, day, window_no);
CREATE UNIQUE INDEX duty_person_uq ON duty_assignment (account_id, day);

-- The audit chain starts from a genesis hash of zeros.
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
