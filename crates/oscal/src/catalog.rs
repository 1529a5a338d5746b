//! The catalogue as an OSCAL catalog, and its profiles as OSCAL profiles.

use iotlabel_catalog::Catalog;
use iotlabel_catalog::model::{Modality, Profile, Provision};

use crate::model::*;
use crate::{NAMESPACE, content_uuid, our_prop, stable_uuid};

/// File name the exported catalog is written under; profiles import it by this name.
pub const CATALOG_FILE: &str = "catalog.json";

/// Placeholder UUID while a document's content UUID is computed.
fn nil() -> String {
    uuid::Uuid::nil().to_string()
}

fn last_modified(c: &Catalog) -> String {
    format!("{}T00:00:00Z", c.meta.published)
}

fn token(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn part(id: String, name: &str, ns: bool, prose: &str) -> Part {
    Part {
        id: Some(id),
        name: name.to_owned(),
        ns: ns.then(|| NAMESPACE.to_owned()),
        title: None,
        props: Vec::new(),
        prose: Some(prose.to_owned()),
    }
}

fn control(c: &Catalog, p: &Provision) -> Control {
    let id = p.id.oscal_token();
    let mut props = vec![
        Prop {
            name: "label".into(),
            value: p.id.local.clone(),
            ns: None,
            class: None,
        },
        our_prop("provision-id", p.id.to_string()),
        our_prop("modality", p.modality.letter()),
        our_prop("etsi-status", p.status.clone()),
    ];
    if let Some(cond) = &p.condition {
        props.push(our_prop("condition", cond.to_string()));
    }
    props.extend(
        p.evidence
            .iter()
            .map(|e| our_prop("evidence-kind", e.as_str())),
    );
    props.extend(
        p.verification
            .iter()
            .map(|v| our_prop("verification-method", v.as_str())),
    );
    props.extend(p.scope.iter().map(|s| our_prop("scope", s.as_str())));
    props.extend(p.stories.iter().map(|s| our_prop("story", s.clone())));
    props.extend(
        p.replaces
            .iter()
            .map(|r| our_prop("replaces", r.to_string())),
    );
    for (cw, row) in c.rows_for(&p.id) {
        let mut prop = our_prop("crosswalk-row", format!("{}/{}", cw.id, row.id));
        prop.class = Some(
            serde_json::to_value(row.relation)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        );
        props.push(prop);
    }
    let mut parts = vec![
        part(format!("{id}_smt"), "statement", false, &p.statement),
        part(format!("{id}_plain"), "plain-language", true, &p.plain),
    ];
    if let Some(text) = &p.condition_text {
        parts.push(part(
            format!("{id}_applicability"),
            "applicability",
            true,
            text,
        ));
    }
    if let Some(note) = &p.note {
        parts.push(part(format!("{id}_note"), "editorial-note", true, note));
    }
    Control {
        id,
        class: Some("provision".into()),
        title: p.title.clone(),
        props,
        links: Vec::new(),
        parts,
    }
}

/// The catalogue as an OSCAL catalog document.
pub fn export_catalog(c: &Catalog) -> CatalogDocument {
    let mut groups = Vec::new();
    for source in &c.sources {
        for version in &source.versions {
            let namespace = format!("{}@{}", source.id, version.version);
            let in_version: Vec<&Provision> = c
                .provisions
                .iter()
                .filter(|p| p.id.namespace() == namespace)
                .collect();
            if in_version.is_empty() {
                continue;
            }
            let group_id = format!("{}_v{}", token(&source.id), token(&version.version));
            let mut sub = Vec::new();
            for category in &c.categories {
                let controls: Vec<Control> = in_version
                    .iter()
                    .filter(|p| p.category == category.id)
                    .map(|p| control(c, p))
                    .collect();
                if controls.is_empty() {
                    continue;
                }
                let cat_id = format!("{group_id}_cat-{}", token(&category.id));
                sub.push(Group {
                    parts: vec![part(
                        format!("{cat_id}_plain"),
                        "plain-language",
                        true,
                        &category.plain,
                    )],
                    id: cat_id,
                    class: Some("category".into()),
                    title: format!("{} {}", category.id, category.title),
                    props: vec![Prop {
                        name: "label".into(),
                        value: category.id.clone(),
                        ns: None,
                        class: None,
                    }],
                    groups: Vec::new(),
                    controls,
                });
            }
            let mut props = vec![our_prop("source", source.id.clone())];
            props.push(our_prop("source-version", version.version.clone()));
            groups.push(Group {
                id: group_id,
                class: Some("source-version".into()),
                title: format!("{} V{}", source.title, version.version),
                props,
                parts: Vec::new(),
                groups: sub,
                controls: Vec::new(),
            });
        }
    }
    let mut doc = CatalogDocument {
        catalog: crate::model::Catalog {
            uuid: nil(),
            metadata: Metadata {
                title: c.meta.title.clone(),
                last_modified: last_modified(c),
                version: c.meta.version.to_string(),
                oscal_version: OSCAL_VERSION.into(),
                props: vec![our_prop("catalog-id", c.meta.id.clone())],
                links: Vec::new(),
                remarks: None,
            },
            groups,
            back_matter: None,
        },
    };
    doc.catalog.uuid = content_uuid("catalog", &doc);
    doc
}

/// One context profile as an OSCAL profile importing [`CATALOG_FILE`].
pub fn export_profile(c: &Catalog, profile: &Profile) -> ProfileDocument {
    let resource_uuid = stable_uuid(&format!("resource/catalog/{}", c.meta.id));
    let alters: Vec<Alter> = profile
        .raises
        .iter()
        .map(|r| {
            let control_id = r.provision.oscal_token();
            let mut prop = our_prop("modality", Modality::Mandatory.letter());
            prop.class = Some("raised-by-profile".into());
            Alter {
                adds: vec![Add {
                    position: "ending".into(),
                    props: vec![prop, our_prop("raised-by", r.by_profile.clone())],
                    parts: vec![
                        part(
                            format!("{control_id}_{}_raise", token(&profile.id)),
                            "raise-rationale",
                            true,
                            &r.technical,
                        ),
                        part(
                            format!("{control_id}_{}_raise_plain", token(&profile.id)),
                            "raise-rationale-plain",
                            true,
                            &r.plain,
                        ),
                    ],
                }],
                control_id,
            }
        })
        .collect();
    let mut props = vec![our_prop("profile-id", profile.id.clone())];
    if let Some(parent) = &profile.extends {
        props.push(our_prop("extends", parent.clone()));
    }
    props.extend(
        profile
            .regimes
            .iter()
            .map(|r| our_prop("regime", r.clone())),
    );
    let mut doc = ProfileDocument {
        profile: crate::model::Profile {
            uuid: nil(),
            metadata: Metadata {
                title: profile.title.clone(),
                last_modified: last_modified(c),
                version: c.meta.version.to_string(),
                oscal_version: OSCAL_VERSION.into(),
                props,
                links: Vec::new(),
                remarks: Some(format!("{}\n\n{}", profile.technical, profile.plain)),
            },
            imports: vec![Import {
                href: format!("#{resource_uuid}"),
                include_controls: vec![SelectControlById {
                    with_ids: profile.provisions.iter().map(|p| p.oscal_token()).collect(),
                }],
            }],
            merge: Merge { as_is: true },
            modify: (!alters.is_empty()).then_some(Modify { alters }),
            back_matter: BackMatter {
                resources: vec![Resource {
                    uuid: resource_uuid,
                    title: Some(c.meta.title.clone()),
                    rlinks: vec![Rlink {
                        href: CATALOG_FILE.into(),
                        media_type: Some("application/oscal.catalog+json".into()),
                    }],
                }],
            },
        },
    };
    doc.profile.uuid = content_uuid("profile", &doc);
    doc
}
