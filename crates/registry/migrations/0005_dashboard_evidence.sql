-- Evidence for the policy dashboard (the web's /dashboard): what it counts across the whole
-- registry is kept in a form that SQL can GROUP BY, so that no aggregate needs every stored
-- document parsed. Additive only; same dialect as 0001.

-- What each assessment says that the dashboard counts, derived from its stored result: that it
-- exists (`assessed`), its profiles, the provisions it did not find met (`fail`, `unverified`,
-- `inconclusive`) and the provisions whose claim was "no" (`declared-no`). Written with the
-- assessment; filled in at start for assessments stored before this table existed.
CREATE TABLE assessment_facts (
    assessment_id TEXT NOT NULL REFERENCES assessments(id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,              -- profile id, full provision id, or '' for `assessed`
    PRIMARY KEY (assessment_id, kind, subject)
);
CREATE INDEX assessment_facts_by_subject ON assessment_facts (kind, subject);
CREATE INDEX labels_by_assessment ON labels (assessment_id);

-- The weakness classes of a finding's vulnerability, as CWE ids separated by spaces
-- (`CWE-79 CWE-352`), from the advisories (OSV `database_specific.cwe_ids`, CSAF `cwe`) and
-- the KEV catalogue.
ALTER TABLE findings ADD COLUMN cwes TEXT NOT NULL DEFAULT '';

-- Each time a finding stopped counting against its product, with when it was first seen: the
-- time to remediate. `how`: fixed or not_affected (a VEX statement), gone (no longer found:
-- a new SBOM without the vulnerable version, or a withdrawn advisory).
CREATE TABLE finding_resolutions (
    product_version_id TEXT NOT NULL,
    component_ref TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    exploited BIGINT NOT NULL,          -- 1 when it was known exploited (listed in KEV)
    first_seen BIGINT NOT NULL,
    resolved_at BIGINT NOT NULL,
    how TEXT NOT NULL
);
CREATE INDEX finding_resolutions_by_time ON finding_resolutions (resolved_at);
