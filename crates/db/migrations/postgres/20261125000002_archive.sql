-- Enterprise growth archive (一企一档). PostgreSQL flavour.

CREATE TABLE counter (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO counter (name, value) VALUES ('search_doc', 0);

CREATE TABLE label_def (
    code TEXT PRIMARY KEY NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    builtin BOOLEAN NOT NULL,
    sort_order BIGINT NOT NULL
);
INSERT INTO label_def (code, name_zh, name_en, builtin, sort_order) VALUES
    ('high_tech', '高新技术企业', 'High-tech enterprise', TRUE, 10),
    ('srdi', '专精特新', 'Specialised and innovative SME', TRUE, 20),
    ('little_giant', '专精特新“小巨人”', 'SRDI "little giant"', TRUE, 30),
    ('tech_sme', '科技型中小企业', 'Tech-based SME', TRUE, 40),
    ('gazelle', '瞪羚企业', 'Gazelle enterprise', TRUE, 50),
    ('unicorn', '独角兽企业', 'Unicorn', TRUE, 60),
    ('listed', '上市企业', 'Listed company', TRUE, 70),
    ('pre_listing', '拟上市企业', 'Preparing to list', TRUE, 80);

CREATE TABLE enterprise (
    id UUID PRIMARY KEY NOT NULL,
    uscc TEXT NOT NULL,
    name TEXT NOT NULL,
    registered_on DATE,
    registered_address TEXT NOT NULL,
    operating_address TEXT NOT NULL,
    station_id UUID NOT NULL REFERENCES station (id),
    cluster TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    industry_name TEXT NOT NULL,
    size TEXT NOT NULL,
    upgrade_potential BOOLEAN NOT NULL,
    stage TEXT NOT NULL,
    legal_rep_name TEXT NOT NULL,
    legal_rep_id_enc TEXT,
    legal_rep_id_hash TEXT,
    legal_rep_phone_enc TEXT,
    legal_rep_phone_hash TEXT,
    grade TEXT,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX enterprise_uscc_uq ON enterprise (uscc);
CREATE INDEX enterprise_station_ix ON enterprise (station_id, name);
CREATE INDEX enterprise_name_ix ON enterprise (name);
CREATE INDEX enterprise_industry_ix ON enterprise (industry_code);
CREATE INDEX enterprise_updated_ix ON enterprise (updated_at);
CREATE INDEX enterprise_id_hash_ix ON enterprise (legal_rep_id_hash);

CREATE TABLE enterprise_former_name (
    id UUID PRIMARY KEY NOT NULL,
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    name TEXT NOT NULL,
    until DATE NOT NULL
);
CREATE INDEX enterprise_former_name_ix ON enterprise_former_name (enterprise_id);

CREATE TABLE enterprise_label (
    id UUID PRIMARY KEY NOT NULL,
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    label TEXT NOT NULL REFERENCES label_def (code),
    valid_from DATE NOT NULL,
    valid_to DATE,
    note TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX enterprise_label_ix ON enterprise_label (enterprise_id);
CREATE INDEX enterprise_label_label_ix ON enterprise_label (label, valid_from);

CREATE TABLE enterprise_grade (
    id UUID PRIMARY KEY NOT NULL,
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    grade TEXT NOT NULL,
    effective_on DATE NOT NULL,
    reason TEXT NOT NULL,
    actor_id UUID,
    actor_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX enterprise_grade_ix ON enterprise_grade (enterprise_id, effective_on);

CREATE TABLE enterprise_contact (
    id UUID PRIMARY KEY NOT NULL,
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    position TEXT NOT NULL,
    phone_enc TEXT,
    phone_hash TEXT,
    email TEXT NOT NULL,
    note TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX enterprise_contact_ix ON enterprise_contact (enterprise_id);
CREATE INDEX enterprise_contact_phone_ix ON enterprise_contact (phone_hash);

CREATE TABLE certificate (
    id UUID PRIMARY KEY NOT NULL,
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    number TEXT NOT NULL,
    issuer TEXT NOT NULL,
    issued_on DATE,
    expires_on DATE,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX certificate_enterprise_ix ON certificate (enterprise_id);
CREATE INDEX certificate_expires_ix ON certificate (expires_on);

CREATE TABLE ip_asset (
    id UUID PRIMARY KEY NOT NULL,
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    filed_on DATE,
    granted_on DATE,
    status TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ip_asset_enterprise_ix ON ip_asset (enterprise_id);

CREATE TABLE enterprise_figure (
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    year BIGINT NOT NULL,
    revenue BIGINT,
    rd_spend BIGINT,
    employees BIGINT,
    tax_paid BIGINT,
    output_value BIGINT,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (enterprise_id, year)
);

CREATE TABLE timeline (
    id UUID PRIMARY KEY NOT NULL,
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    at TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    actor_id UUID,
    actor_name TEXT NOT NULL,
    ref_type TEXT NOT NULL,
    ref_id TEXT
);
CREATE INDEX timeline_enterprise_ix ON timeline (enterprise_id, at);

-- Search tokens (jieba) per enterprise; doc_no keys the full-text index.
CREATE TABLE enterprise_search (
    enterprise_id UUID PRIMARY KEY NOT NULL REFERENCES enterprise (id),
    doc_no BIGINT NOT NULL,
    tokens TEXT NOT NULL
);
CREATE UNIQUE INDEX enterprise_search_doc_uq ON enterprise_search (doc_no);

-- Backend-specific (names containing _fts are left out of the schema comparison).
CREATE INDEX enterprise_search_fts ON enterprise_search USING GIN (to_tsvector('simple', tokens));
