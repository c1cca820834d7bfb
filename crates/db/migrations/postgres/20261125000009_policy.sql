-- Policy library (M8): policies, their versioned eligibility rules, and the stored results of
-- matching enterprises against them.

CREATE TABLE policy (
    id UUID PRIMARY KEY NOT NULL,
    bureau_id UUID NOT NULL REFERENCES bureau (id),
    title TEXT NOT NULL,
    level TEXT NOT NULL,
    issuer TEXT NOT NULL,
    document_no TEXT NOT NULL,
    published_on DATE,
    effective_from DATE,
    expires_on DATE,
    summary TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    item_id UUID REFERENCES service_item (id),
    status TEXT NOT NULL,
    rule_version BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX policy_bureau_ix ON policy (bureau_id, status);

CREATE TABLE policy_rule (
    id UUID PRIMARY KEY NOT NULL,
    policy_id UUID NOT NULL REFERENCES policy (id),
    rule_version BIGINT NOT NULL,
    rule TEXT NOT NULL,
    parameters TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX policy_rule_uq ON policy_rule (policy_id, rule_version);

CREATE TABLE policy_match (
    policy_id UUID NOT NULL REFERENCES policy (id),
    enterprise_id UUID NOT NULL REFERENCES enterprise (id),
    rule_version BIGINT NOT NULL,
    evaluated_on DATE NOT NULL,
    verdict TEXT NOT NULL,
    near_miss BOOLEAN NOT NULL,
    detail TEXT NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (policy_id, enterprise_id)
);
CREATE INDEX policy_match_enterprise_ix ON policy_match (enterprise_id);
