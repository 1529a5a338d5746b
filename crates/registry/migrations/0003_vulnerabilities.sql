-- Continuous vulnerability monitoring: the inputs (advisory documents, the KEV catalogue, SBOMs
-- and VEX documents per product version, all kept verbatim in `blobs`), the findings derived
-- from them, and the known-exploited rule's state on labels.

-- Advisory documents in the order they were imported (OSV JSON or YAML, CSAF): re-read at start
-- to rebuild the in-memory index.
CREATE TABLE advisory_documents (
    sha256 TEXT PRIMARY KEY,            -- the document in `blobs`
    format TEXT NOT NULL,               -- osv | csaf
    records BIGINT NOT NULL,
    imported_at BIGINT NOT NULL,
    imported_by TEXT NOT NULL
);

-- The KEV catalogue in force (one row: the latest imported).
CREATE TABLE kev_catalogs (
    sha256 TEXT PRIMARY KEY,
    catalog_version TEXT NOT NULL,
    entries BIGINT NOT NULL,
    imported_at BIGINT NOT NULL
);

-- The SBOM registered for a product version (a new one replaces it).
CREATE TABLE sboms (
    product_version_id TEXT PRIMARY KEY REFERENCES product_versions(id),
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    components BIGINT NOT NULL,
    registered_at BIGINT NOT NULL
);

-- VEX documents a manufacturer gave for a product version, in order.
CREATE TABLE vex_documents (
    product_version_id TEXT NOT NULL REFERENCES product_versions(id),
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    statements BIGINT NOT NULL,
    registered_at BIGINT NOT NULL,
    PRIMARY KEY (product_version_id, sha256)
);

-- What the matcher found, per product version: one row per (component, vulnerability).
CREATE TABLE findings (
    product_version_id TEXT NOT NULL REFERENCES product_versions(id),
    component_ref TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    status TEXT NOT NULL,               -- affected | not_affected | fixed | under_investigation
    open BIGINT NOT NULL,               -- 1 when it still counts against the product
    exploited_cve TEXT,                 -- the KEV entry it is listed under
    kev_due TEXT,                       -- KEV due date, YYYY-MM-DD
    first_seen BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    detail TEXT NOT NULL,               -- the whole finding as JSON
    PRIMARY KEY (product_version_id, component_ref, vulnerability)
);
CREATE INDEX findings_exploited ON findings (exploited_cve);

-- The known-exploited rule on a label: when it was flagged, when it will be suspended if the
-- finding stays open, and whether the rule (rather than the operator) suspended it.
ALTER TABLE labels ADD COLUMN vuln_flagged_at BIGINT;
ALTER TABLE labels ADD COLUMN vuln_deadline BIGINT;
ALTER TABLE labels ADD COLUMN vuln_suspended BIGINT NOT NULL DEFAULT 0;
