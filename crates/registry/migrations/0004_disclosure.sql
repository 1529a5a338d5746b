-- Coordinated vulnerability disclosure: reports from security researchers about labelled
-- products, their timeline, and the CSAF advisories published once they are fixed.
-- Reports are confidential (undisclosed vulnerabilities): these tables are written directly,
-- not through the transparency log's sequencer, and nothing of a report reaches the log.
-- Same dialect as 0001: TEXT, BIGINT (times in seconds since the epoch), BYTEA.

CREATE TABLE disclosure_reports (
    id TEXT PRIMARY KEY,                    -- cvd_<hex>
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    product_id TEXT NOT NULL REFERENCES products(id),
    label_id TEXT,                          -- the label the reporter named, if any
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    affected_versions TEXT NOT NULL,        -- JSON array of version strings
    cvss_vector TEXT,                       -- CVSS 3.x base vector, canonical order
    severity TEXT,                          -- low | medium | high | critical
    reporter_contact TEXT NOT NULL,
    reporter_name TEXT,
    reporter_token_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the follow-up token; never the token
    state TEXT NOT NULL,                    -- received | acknowledged | triaged | fixed | published | closed | rejected
    events BIGINT NOT NULL,                 -- timeline length; also the row's version for optimistic updates
    received_at BIGINT NOT NULL,
    acknowledged_at BIGINT,
    exploited_since BIGINT,                 -- when it was marked actively exploited
    early_warning_at BIGINT,
    notification_at BIGINT,
    fixed_at BIGINT,
    fixed_versions TEXT NOT NULL,           -- JSON array
    final_report_at BIGINT,
    resolution TEXT,                        -- not-a-vulnerability | duplicate
    duplicate_of TEXT,
    published_at BIGINT,
    closed_at BIGINT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX disclosure_reports_by_organisation ON disclosure_reports (organisation_id, received_at);

CREATE TABLE disclosure_events (
    report_id TEXT NOT NULL REFERENCES disclosure_reports(id),
    seq BIGINT NOT NULL,                    -- 1, 2, ... per report
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_role TEXT NOT NULL,               -- reporter | manufacturer | operator
    text TEXT,
    at BIGINT NOT NULL,
    PRIMARY KEY (report_id, seq)
);

-- Published advisories are public; the document is stored as served, so it never changes
-- under a reader who checked its digest.
CREATE TABLE disclosure_advisories (
    id TEXT PRIMARY KEY,                    -- the CSAF document.tracking.id
    report_id TEXT NOT NULL UNIQUE REFERENCES disclosure_reports(id),
    sha256 TEXT NOT NULL,
    document BYTEA NOT NULL,                -- CSAF 2.0 JSON
    published_at BIGINT NOT NULL
);
