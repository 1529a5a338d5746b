//! A label's findings as a CycloneDX VEX document, for the technical page's downloads: what
//! the registry knows about the exploitability of each vulnerability in the product version,
//! in the format scanners and Dependency-Track read.

use iotlabel_match::render::CycloneDxOptions;
use iotlabel_match::{AdvisorySummary, ProductVersionId, Report, SbomSummary};
use iotlabel_vuln::Origin;
use jiff::Timestamp;

use crate::error::RegistryError;
use crate::model::LabelRecord;
use crate::monitor_store as ms;
use crate::registry::Registry;
use crate::store;

impl Registry {
    /// The CycloneDX 1.6 VEX of a label's product version, or `None` when no SBOM is
    /// registered for it (then the registry knows nothing to state).
    pub async fn label_vex(
        &self,
        label: &LabelRecord,
        now: Timestamp,
    ) -> Result<Option<String>, RegistryError> {
        let Some(pv) = ms::version_of_label(&self.db.pool, &label.id).await? else {
            return Err(RegistryError::NotFound(format!("label {}", label.id)));
        };
        let row: Option<(String,)> =
            sqlx::query_as("SELECT sha256 FROM sboms WHERE product_version_id = $1")
                .bind(&pv)
                .fetch_optional(&self.db.pool)
                .await?;
        let Some((sha,)) = row else {
            return Ok(None);
        };
        let Some((_, bytes)) = store::blob(&self.db.pool, &sha).await? else {
            return Err(RegistryError::Tampered(format!(
                "SBOM {sha} is missing from the store"
            )));
        };
        let sbom = iotlabel_vuln::sbom::parse(&bytes, &Origin::memory(&sha), &self.monitor.limits)
            .map_err(|e| RegistryError::Tampered(format!("stored SBOM {sha}: {e}")))?;
        let id = ProductVersionId::new(&pv).map_err(|e| RegistryError::invalid(e.to_string()))?;
        let product = self
            .monitor
            .matcher
            .lock()
            .await
            .report(&id)
            .unwrap_or_default();
        let report = Report {
            sbom: SbomSummary::of(&sbom),
            advisories: AdvisorySummary {
                records: 0,
                withdrawn: 0,
                vulnerabilities: 0,
                packages: 0,
                problems: Vec::new(),
            },
            kev: None,
            vex_statements: 0,
            findings: product.findings,
            not_evaluable: product.not_evaluable,
            unmatchable: product.unmatchable,
        };
        let options = CycloneDxOptions {
            timestamp: Some(now),
        };
        iotlabel_match::render::cyclonedx_vex(&report, &options)
            .map(Some)
            .map_err(|e| RegistryError::invalid(e.to_string()))
    }
}
