-- The registry's schema. One file for SQLite and PostgreSQL: only types both accept
-- (TEXT, BIGINT, BYTEA, BOOLEAN; SQLite stores BYTEA values as blobs), ids chosen by the
-- application, times as seconds since the epoch.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,                 -- manufacturer | assessor | operator
    security_contact TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,                 -- manufacturer | assessor | operator
    token_hash TEXT NOT NULL UNIQUE,    -- SHA-256 of the bearer token; the token is never stored
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE products (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    brand TEXT NOT NULL,
    model TEXT NOT NULL,
    category TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (brand, model)
);

CREATE TABLE product_versions (
    id TEXT PRIMARY KEY,
    product_id TEXT NOT NULL REFERENCES products(id),
    hardware_version TEXT NOT NULL,
    software_version TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (product_id, hardware_version, software_version)
);

-- Content-addressed store: declarations, evidence, assessment results, SBOMs.
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BYTEA NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE declarations (
    sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
    product_version_id TEXT NOT NULL REFERENCES product_versions(id),
    process_sha256 TEXT REFERENCES blobs(sha256),
    submitted_by TEXT NOT NULL REFERENCES accounts(id),
    submitted_at BIGINT NOT NULL
);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    declaration_sha256 TEXT NOT NULL REFERENCES declarations(sha256),
    result_sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    catalog_version TEXT NOT NULL,
    level BIGINT NOT NULL,
    score_tenths BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE labels (
    id TEXT PRIMARY KEY,
    product_version_id TEXT NOT NULL REFERENCES product_versions(id),
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    declaration_sha256 TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    level BIGINT NOT NULL,
    status TEXT NOT NULL,               -- active | suspended | revoked | expired | superseded
    status_reason TEXT,
    status_since BIGINT NOT NULL,
    issued_at BIGINT NOT NULL,
    not_before BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    support_end TEXT NOT NULL,
    lapses_at BIGINT,                   -- set when a catalogue change starts the grace period
    superseded_by TEXT,
    key_id TEXT NOT NULL,
    statement BYTEA NOT NULL,           -- the COSE_Sign1
    envelope BYTEA NOT NULL,            -- the DSSE twin (JSON)
    log_index BIGINT NOT NULL,
    UNIQUE (declaration_sha256, catalog_version)
);
CREATE INDEX labels_by_version ON labels (product_version_id);
CREATE INDEX labels_by_status ON labels (status, expires_at);

CREATE TABLE status_events (
    log_index BIGINT PRIMARY KEY,
    label_id TEXT NOT NULL REFERENCES labels(id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX status_events_by_label ON status_events (label_id);

-- Keys: the registry's issuer keys and registered assessor keys.
CREATE TABLE keys (
    id TEXT PRIMARY KEY,                -- RFC 7638 thumbprint
    role TEXT NOT NULL,                 -- issuer | assessor | scheme
    organisation_id TEXT REFERENCES organisations(id),
    name TEXT NOT NULL,
    public_key TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_until BIGINT,
    log_index BIGINT NOT NULL
);

CREATE TABLE attestations (
    id TEXT PRIMARY KEY,                -- SHA-256 of the envelope
    key_id TEXT NOT NULL REFERENCES keys(id),
    evidence_sha256 TEXT NOT NULL,
    provisions TEXT NOT NULL,           -- JSON array of provision ids
    envelope BYTEA NOT NULL,
    registered_at BIGINT NOT NULL,
    log_index BIGINT NOT NULL
);
CREATE INDEX attestations_by_evidence ON attestations (evidence_sha256);

-- The transparency log: entries are the source of truth; checkpoints are derived and signed.
CREATE TABLE log_entries (
    idx BIGINT PRIMARY KEY,
    leaf_hash BYTEA NOT NULL,
    data BYTEA NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX log_entries_by_subject ON log_entries (subject);

CREATE TABLE checkpoints (
    size BIGINT PRIMARY KEY,
    root BYTEA NOT NULL,
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Catalogue versions the registry has assessed against (to diff when a new one arrives).
CREATE TABLE catalog_versions (
    version TEXT PRIMARY KEY,
    snapshot BYTEA NOT NULL,
    first_used_at BIGINT NOT NULL
);
