//! `iotlabel label issue` and `iotlabel verify`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iotlabel_artwork::{LabelArt, Renderer, Variant};
use iotlabel_assess::result::AssessmentResult;
use iotlabel_catalog::Catalog;
use iotlabel_declaration::dates::YearMonth;
use iotlabel_label::dsse::Subject;
use iotlabel_label::{
    IssueRequest, KeyPair, Policy, ProductIdentity, TrustFile, Verified, VerifyError,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;

use crate::assess_cmd::{date, run_assessment};
use crate::cli::{Format, LabelCommand, VerifyArgs};
use crate::error::CliError;
use crate::keys_cmd::passphrase;
use crate::output::Out;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, CliError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|source| CliError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// The label request an assessment supports, with the in-toto subjects the declaration names.
pub fn request(
    result: &AssessmentResult,
    declaration: &iotlabel_declaration::Declaration,
) -> Result<IssueRequest, CliError> {
    let p = &result.product;
    let support_end = p.support_period_end.clone().ok_or_else(|| {
        CliError::Usage("the declaration gives no support period; a label needs one".into())
    })?;
    let last_day = YearMonth::parse(&support_end)
        .map_err(CliError::Usage)?
        .last_day;
    let product = ProductIdentity {
        manufacturer: p.manufacturer.clone(),
        brand: p.brand.clone().unwrap_or_default(),
        model: p.model.clone().unwrap_or_default(),
        hardware_version: p.hardware_version.clone().unwrap_or_default(),
        software_version: p.software_version.clone().unwrap_or_default(),
    };
    let slug = |s: &str| {
        s.to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-")
    };
    let mut subjects = vec![Subject::sha256(
        format!(
            "urn:iotlabel:product:{}:{}:{}",
            slug(&product.brand),
            slug(&product.model),
            slug(&product.software_version)
        ),
        result.inputs.declaration_sha256.clone(),
    )];
    if let Some(prod) = &declaration.product {
        subjects.extend(
            prod.firmware
                .iter()
                .map(|f| Subject::sha256(f.name.clone(), f.sha256.clone())),
        );
    }
    subjects.extend(
        result
            .inputs
            .evidence
            .iter()
            .filter(|e| e.kind == iotlabel_catalog::model::EvidenceKind::Sbom)
            .map(|e| Subject::sha256(e.location.clone(), e.sha256.clone())),
    );
    let result_json = serde_json::to_vec(result)?;
    Ok(IssueRequest {
        product,
        profiles: result.profiles.clone(),
        level: result.level,
        score_tenths: result.score.map_or(0, |s| s.0),
        catalog: format!("{}@{}", result.catalog.id, result.catalog.version),
        assessment_sha256: iotlabel_declaration::evidence::sha256_hex(&result_json),
        support_end,
        support_last_day: last_day,
        subjects,
    })
}

/// The last day a label is valid (its expiry instant is the start of the next day, UTC).
pub fn last_valid_day(expires: Timestamp) -> jiff::civil::Date {
    (expires - jiff::SignedDuration::from_secs(1))
        .to_zoned(TimeZone::UTC)
        .date()
}

/// Draws the artwork of a label into `dir`, returning the files and any characters no
/// installed font can draw.
pub fn artwork(
    dir: &Path,
    claims: &iotlabel_label::LabelClaims,
    level_name: &str,
    qr_url: &str,
    token: Option<&str>,
) -> Result<(Vec<PathBuf>, Vec<char>), CliError> {
    let end = YearMonth::parse(&claims.support_end).map_err(CliError::Usage)?;
    let art = LabelArt {
        product_name: claims.product.name(),
        level: claims.level,
        level_name: level_name.to_owned(),
        updates_until: end.month_year(),
        human_id: claims.label_id.human(last_valid_day(claims.expires)),
        qr_url: qr_url.to_owned(),
    };
    let renderer = Renderer::new();
    let mut files = Vec::new();
    let render_err =
        |e: iotlabel_artwork::QrError| CliError::Usage(format!("cannot draw the artwork: {e}"));
    let raster_err = |e: iotlabel_artwork::RasterError| {
        CliError::Usage(format!("cannot render the artwork: {e}"))
    };
    for variant in Variant::ALL {
        let svg = iotlabel_artwork::render(&art, variant).map_err(render_err)?;
        files.push(write(
            dir,
            &format!("{}.svg", variant.name()),
            svg.as_bytes(),
        )?);
        let png = renderer
            .png(&svg, variant.size_mm().0)
            .map_err(raster_err)?;
        files.push(write(dir, &format!("{}.png", variant.name()), &png)?);
    }
    let qr_only = |name: &str, data: &str, files: &mut Vec<PathBuf>| -> Result<(), CliError> {
        let m = iotlabel_artwork::qr::encode(data).map_err(render_err)?;
        let size = (m.width + 8) as f64;
        // Six whole pixels per module at 300 dpi (0.51 mm): crisp edges that any scanner reads.
        let mm = size * 6.0 / iotlabel_artwork::raster::DPI * 25.4;
        let svg = format!(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{mm:.3}mm" height="{mm:.3}mm" viewBox="0 0 {size} {size}" role="img"><title>QR code: {}</title><rect width="{size}" height="{size}" fill="#ffffff"/><path d="{}" fill="#000000" shape-rendering="crispEdges"/></svg>"##,
            iotlabel_artwork::svg::escape(data),
            m.svg_path(4.0, 4.0, 1.0),
        );
        files.push(write(dir, &format!("{name}.svg"), svg.as_bytes())?);
        let png = renderer.png(&svg, mm).map_err(raster_err)?;
        files.push(write(dir, &format!("{name}.png"), &png)?);
        Ok(())
    };
    qr_only("qr-url", qr_url, &mut files)?;
    if let Some(token) = token {
        qr_only("qr-token", token, &mut files)?;
    }
    let missing = renderer.uncovered(&format!("{}{}", art.product_name, art.human_id));
    Ok((files, missing))
}

/// Runs a label command.
pub fn run(catalog: &Catalog, command: LabelCommand) -> Result<(), CliError> {
    let LabelCommand::Issue {
        declaration,
        key,
        out: dir,
        registry,
        issuer,
        max_validity_months,
        date: d,
        passphrase_env,
        offline_qr,
    } = command;
    let today = date(d.as_deref())?;
    let now = if d.is_some() {
        today
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|e| CliError::Usage(e.to_string()))?
    } else {
        Timestamp::now()
    };
    let pass = passphrase(passphrase_env.as_deref())?;
    let key = KeyPair::read(&key, pass.as_deref().map(String::as_str))?;
    let result = run_assessment(catalog, &declaration, &[], today, &BTreeMap::new(), false)?;
    if result.level == 0 {
        return Err(iotlabel_label::IssueError::NoLevel.into());
    }
    let loaded = iotlabel_declaration::load(&declaration, catalog, today)?;
    let req = request(&result, &loaded.declaration)?;
    let policy = Policy {
        max_validity_months,
        issuer: issuer.unwrap_or_else(|| registry.clone()),
        registry,
    };
    let issued = iotlabel_label::issue(&req, &key, &policy, now)?;
    std::fs::create_dir_all(&dir).map_err(|source| CliError::Write {
        path: dir.clone(),
        source,
    })?;
    let mut files = vec![
        write(&dir, "label.cose", &issued.cose)?,
        write(
            &dir,
            "label.dsse.json",
            format!("{}\n", serde_json::to_string_pretty(&issued.envelope)?).as_bytes(),
        )?,
        write(&dir, "assessment.json", &serde_json::to_vec(&result)?)?,
    ];
    let level_name = result.level_name.clone().unwrap_or_default();
    let (art_files, missing) = artwork(
        &dir,
        &issued.claims,
        &level_name,
        &issued.qr_url,
        offline_qr.then_some(issued.token.as_str()),
    )?;
    files.extend(art_files);
    let last_day = last_valid_day(issued.claims.expires);
    let summary = json!({
        "label_id": issued.claims.label_id,
        "human_id": issued.claims.label_id.human(last_day),
        "url": issued.qr_url,
        "token": issued.token,
        "key_id": key.id(),
        "claims": issued.claims,
        "level_name": level_name,
        "files": files.iter().map(|f| f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()).collect::<Vec<_>>(),
    });
    files.push(write(
        &dir,
        "label.json",
        format!("{}\n", serde_json::to_string_pretty(&summary)?).as_bytes(),
    )?);
    let mut out = Out::stdout();
    out.heading(&format!(
        "Issued label {} for {}: level {} ({level_name}), valid until {}.",
        issued.claims.label_id.human(last_day),
        issued.claims.product.name(),
        issued.claims.level,
        last_day
    ));
    out.line(&format!("  QR code: {}", issued.qr_url));
    for f in &files {
        out.line(&format!("  wrote {}", f.display()));
    }
    if !missing.is_empty() {
        eprintln!(
            "warning: no installed font can draw {:?}; the PNG artwork will show boxes for them (install a font such as Debian's fonts-noto-cjk)",
            missing.iter().collect::<String>()
        );
    }
    Ok(())
}

/// The process exit code of a verification failure.
pub fn verify_exit_code(e: &VerifyError) -> u8 {
    match e {
        VerifyError::BadSignature => 10,
        VerifyError::UnknownKey(_) => 11,
        VerifyError::KeyNotValid { .. } => 12,
        VerifyError::Expired(_) => 13,
        VerifyError::NotYetValid(_) => 14,
        VerifyError::Malformed(_) => 15,
        VerifyError::WrongShape(_) => 16,
    }
}

/// What `verify` found.
enum Outcome {
    Verified(Box<Verified>),
    Failed(VerifyError),
    LinkOnly(String),
}

/// Runs `iotlabel verify`.
pub fn verify(args: VerifyArgs) -> Result<(), CliError> {
    let trust = TrustFile::read(&args.trust)?;
    let now = match &args.at {
        Some(t) => t
            .parse::<Timestamp>()
            .map_err(|e| CliError::Usage(format!("--at: {e}")))?,
        None => Timestamp::now(),
    };
    let outcome = if let Some(file) = &args.file {
        let bytes = std::fs::read(file).map_err(|source| CliError::Read {
            path: file.clone(),
            source,
        })?;
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace()).copied();
        let r = if first == Some(b'{') {
            iotlabel_label::verify_dsse(&bytes, &trust, now)
        } else if bytes.starts_with(b"IL1:") || bytes.starts_with(b"il1:") {
            iotlabel_label::verify_token(&String::from_utf8_lossy(&bytes), &trust, now)
        } else {
            iotlabel_label::verify_cose(&bytes, &trust, now)
        };
        r.map_or_else(Outcome::Failed, |v| Outcome::Verified(Box::new(v)))
    } else if let Some(token) = &args.token {
        iotlabel_label::verify_token(token, &trust, now)
            .map_or_else(Outcome::Failed, |v| Outcome::Verified(Box::new(v)))
    } else if let Some(image) = &args.qr {
        let bytes = std::fs::read(image).map_err(|source| CliError::Read {
            path: image.clone(),
            source,
        })?;
        let texts = iotlabel_artwork::decode_image(&bytes)
            .map_err(|e| CliError::Unreadable(format!("{}: {e}", image.display())))?;
        match texts
            .iter()
            .find(|t| t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("IL1:")))
        {
            Some(token) => iotlabel_label::verify_token(token, &trust, now)
                .map_or_else(Outcome::Failed, |v| Outcome::Verified(Box::new(v))),
            None => Outcome::LinkOnly(texts[0].clone()),
        }
    } else {
        return Err(CliError::Usage("give a FILE, --qr IMAGE or --token".into()));
    };
    let mut out = Out::stdout();
    match outcome {
        Outcome::Verified(v) => {
            let c = &v.claims;
            let until = YearMonth::parse(&c.support_end)
                .map(|m| m.month_year())
                .unwrap_or_else(|_| c.support_end.clone());
            let last_day = last_valid_day(c.expires);
            let sentence = format!(
                "Genuine label for {}, level {}, security updates until {until}; valid until {}.",
                c.product.name(),
                c.level,
                last_day.strftime("%d/%m/%Y")
            );
            match args.format {
                Format::Json => {
                    out.json(&json!({ "genuine": true, "summary": sentence, "label": *v }))?
                }
                Format::Text => {
                    out.heading(&sentence);
                    out.field("Label", &c.label_id.human(last_day));
                    out.field(
                        "Product",
                        &format!(
                            "{} {} (hardware {}, software {})",
                            c.product.manufacturer,
                            c.product.model,
                            c.product.hardware_version,
                            c.product.software_version
                        ),
                    );
                    out.field("Profiles", &c.profiles.join(", "));
                    out.field("Score", &format!("{:.1}", f64::from(c.score_tenths) / 10.0));
                    out.field("Catalogue", &c.catalog);
                    out.field(
                        "Issued",
                        &format!(
                            "{} by {} (key {}, {})",
                            v.issued_at, v.issuer, v.key_id, v.key_name
                        ),
                    );
                    out.field(
                        "Valid",
                        &format!("from {} until {}", c.not_before, c.expires),
                    );
                    if args.online.is_none() {
                        out.field("Live status", &format!("{}/L/{} (printed labels cannot show suspension or revocation: check online)", c.registry, c.label_id));
                    }
                    out.field("Signed statement", v.encoding);
                }
            }
            match &args.online {
                Some(url) => {
                    check_online(url, c.label_id.as_str(), &trust, now, args.format, &mut out)
                }
                None => Ok(()),
            }
        }
        Outcome::Failed(e) => {
            if args.format == Format::Json {
                out.json(&json!({ "genuine": false, "error": e.to_string(), "exit_code": verify_exit_code(&e) }))?;
            }
            Err(CliError::NotGenuine(e))
        }
        Outcome::LinkOnly(url) => {
            let id = url
                .rsplit('/')
                .next()
                .and_then(|s| s.parse::<iotlabel_label::LabelId>().ok());
            let message = format!(
                "The QR code leads to {url}{}: that is the label's registry record, not a signed statement; check it online.",
                id.as_ref()
                    .map(|i| format!(" (label {i})"))
                    .unwrap_or_default()
            );
            if let (Some(registry), Some(id)) = (&args.online, &id) {
                return check_online(registry, id.as_str(), &trust, now, args.format, &mut out);
            }
            if args.format == Format::Json {
                out.json(&json!({ "genuine": null, "url": url, "summary": message }))?;
            } else {
                out.line(&message);
            }
            Err(CliError::LinkOnly)
        }
    }
}

/// Asks the registry for a signed status token and checks it with the same trust file: a
/// genuine label can still have been suspended or revoked since it was printed.
fn check_online(
    registry: &str,
    label_id: &str,
    trust: &TrustFile,
    now: Timestamp,
    format: Format,
    out: &mut Out,
) -> Result<(), CliError> {
    let client = crate::client::RegistryClient::new(registry, None)?;
    let token = client.get_bytes(&format!("/api/v1/labels/{label_id}/status-token"))?;
    let claims = iotlabel_label::status::verify_status(&token, trust, now).map_err(|e| {
        CliError::Remote(format!(
            "the registry's status token for {label_id} does not verify: {e}"
        ))
    })?;
    let reason = claims.reason.clone().unwrap_or_default();
    match format {
        Format::Json => out.json(&json!({
            "online": { "label": claims.label_id, "status": claims.status, "reason": claims.reason,
                        "checked_at": claims.checked_at.to_string(), "valid_until": claims.valid_until.to_string(), "log_size": claims.log_size }
        }))?,
        Format::Text => {
            let text = if claims.status == "active" {
                format!("active (signed status checked at {}, valid until {})", claims.checked_at, claims.valid_until)
            } else {
                format!("{}: {reason} (signed status checked at {})", claims.status.to_uppercase(), claims.checked_at)
            };
            out.field("Live status", &text);
        }
    }
    if claims.status == "active" {
        Ok(())
    } else {
        Err(CliError::NotActive {
            status: claims.status,
            reason,
        })
    }
}
