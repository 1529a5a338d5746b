//! Search as a retailer or buyer uses it: every filter (profile, category, level, support end,
//! status) selects exactly the labels that satisfy it, on the page, in the CSV export and
//! through the API; a wrong value comes back with a message next to what was typed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::{HOSTILE, fixture, get};
use iotlabel_registry::{Action, LabelQuery, LabelRecord};
use jiff::Timestamp;

/// The label ids a CSV export lists (its first column), header excluded.
fn csv_ids(csv: &str) -> BTreeSet<String> {
    let mut lines = csv.split("\r\n");
    assert_eq!(
        lines.next().map(|h| h.split(',').next().unwrap()),
        Some("label_id")
    );
    lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect()
}

async fn every_label(f: &common::Fixture) -> Vec<LabelRecord> {
    f.state
        .registry()
        .search(&LabelQuery {
            limit: 500,
            ..LabelQuery::default()
        })
        .await
        .unwrap()
        .0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_filter_selects_exactly_the_labels_that_satisfy_it() {
    let f = fixture().await;
    let labels = every_label(&f).await;
    assert_eq!(labels.len(), f.levels.len());

    // Profiles: every profile some example declares, and one none declares.
    let declared: BTreeSet<&String> = f.profiles.values().flatten().collect();
    assert!(declared.len() >= 3, "examples cover several profiles");
    for profile in declared {
        let want: BTreeSet<String> = f
            .profiles
            .iter()
            .filter(|(_, p)| p.contains(profile))
            .map(|(id, _)| id.clone())
            .collect();
        let (status, _, csv) = get(&f.app, &format!("/search.csv?profile={profile}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(csv_ids(&csv), want, "profile {profile}");
        let (status, _, page) = get(&f.app, &format!("/search?profile={profile}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            page.contains(&format!("<option value=\"{profile}\" selected>")),
            "the chosen profile stays selected"
        );
        for id in &want {
            assert!(
                page.contains(&format!("href=\"/L/{id}\"")),
                "{profile}: {id}"
            );
        }
        let (status, _, api) = get(&f.app, &format!("/api/v1/labels?profile={profile}")).await;
        assert_eq!(status, StatusCode::OK, "{api}");
        let api: serde_json::Value = serde_json::from_str(&api).unwrap();
        let api_ids: BTreeSet<String> = api["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(api_ids, want, "API, profile {profile}");
    }
    let (_, _, csv) = get(&f.app, "/search.csv?profile=no-such-profile").await;
    assert!(csv_ids(&csv).is_empty());

    // "Every camera at level 2 or above with updates at least until 2030", and the same
    // for each category the examples have.
    let categories: BTreeSet<&str> = labels.iter().map(|l| l.category.as_str()).collect();
    for category in categories {
        for (level, until) in [(1, "2030"), (2, "2030-06"), (3, "2027")] {
            let bound = if until.len() == 4 {
                format!("{until}-12")
            } else {
                until.to_owned()
            };
            let want: BTreeSet<String> = labels
                .iter()
                .filter(|l| l.category == category && l.level >= level && l.support_end >= bound)
                .map(|l| l.id.clone())
                .collect();
            let uri =
                format!("/search.csv?category={category}&level={level}&updates_until={until}");
            let (status, _, csv) = get(&f.app, &uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}");
            assert_eq!(csv_ids(&csv), want, "{uri}");
        }
    }

    // Status: a suspended label is found as suspended and no longer as active.
    let suspended = labels[0].id.clone();
    f.state
        .registry()
        .set_status(
            Some(&f.operator),
            &suspended,
            Action::Suspend,
            "test",
            Timestamp::now(),
        )
        .await
        .unwrap();
    let (_, _, csv) = get(&f.app, "/search.csv?status=suspended").await;
    assert_eq!(csv_ids(&csv), BTreeSet::from([suspended.clone()]));
    let (_, _, csv) = get(&f.app, "/search.csv?status=active").await;
    let active = csv_ids(&csv);
    assert_eq!(active.len(), labels.len() - 1);
    assert!(!active.contains(&suspended));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_values_come_back_with_messages_and_what_was_typed() {
    let f = fixture().await;
    let (status, _, page) = get(
        &f.app,
        "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&level=9&updates_until=soon&status=lost",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["level", "updates_until", "status"] {
        assert!(
            page.contains(&format!("<a href=\"#{field}\">")),
            "{field} is named in the summary"
        );
    }
    assert!(page.contains("value=\"soon\""), "the typed month is kept");
    assert!(!page.contains(HOSTILE), "typed words are escaped");
    assert!(page.contains("value=\"&#60;script&#62;alert(1)&#60;/script&#62;\""));

    // The export refuses the same values rather than exporting everything.
    let (status, _, body) = get(&f.app, "/search.csv?level=9").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("level"), "{body}");

    // The hostile product is listed, escaped on the page and verbatim (quoted) in the CSV.
    let (status, _, page) = get(&f.app, "/search?q=script").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(HOSTILE));
    assert!(page.contains("&#60;script&#62;alert(1)&#60;/script&#62; Ltd"));
    let (_, headers, csv) = get(&f.app, "/search.csv?q=script").await;
    assert_eq!(
        headers["content-type"],
        "text/csv; charset=utf-8; header=present"
    );
    assert_eq!(csv_ids(&csv).len(), 1);
    assert!(csv.contains(&format!("{HOSTILE} Ltd")));
}
