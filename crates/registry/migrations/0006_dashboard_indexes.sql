-- Covering indexes for the evidence dashboard: its counts over labels and findings read these
-- index entries, never the wide rows (signed statements and envelopes, finding details), so a
-- registry of 100,000 labels is aggregated from a few megabytes. Additive only.
CREATE INDEX labels_for_dashboard ON labels (status, level, expires_at, issued_at, support_end);
CREATE INDEX findings_for_dashboard ON findings (open, exploited_cve, product_version_id, first_seen, status, cwes);

-- The number of assessments with each fact (kind, subject), kept with the facts in the same
-- transaction, so that counting them does not read every fact.
CREATE TABLE fact_counts (
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (kind, subject)
);
INSERT INTO fact_counts (kind, subject, n)
    SELECT kind, subject, COUNT(*) FROM assessment_facts GROUP BY kind, subject;
