//! RFC 4791 Appendix B: the example calendar (abcd1–abcd8) stored, read back exactly,
//! multigot, and listed (snapshot).

use crate::common;

use common::appendix_b::{WORK, appendix_b, appendix_b_calendar};
use common::{ALICE, Harness, ns};
use http::StatusCode;

#[tokio::test]
async fn appendix_b_objects_are_stored_exactly() {
    let h = Harness::new().await;
    let etags = appendix_b_calendar(&h).await;
    for (name, bytes) in appendix_b() {
        let r = h.get(ALICE, &format!("{WORK}{name}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.body.as_ref(), bytes.as_slice(), "{name}");
        assert_eq!(r.etag(), etags[&name]);
    }
}

#[tokio::test]
async fn appendix_b_multiget() {
    let h = Harness::new().await;
    let etags = appendix_b_calendar(&h).await;
    let mut hrefs: Vec<String> = appendix_b()
        .iter()
        .map(|(name, _)| format!("{WORK}{name}"))
        .collect();
    hrefs.push(format!("{WORK}mtg1.ics"));
    let refs: Vec<&str> = hrefs.iter().map(String::as_str).collect();
    let ms = h
        .report(ALICE, WORK, "1", &common::multiget_body(&refs))
        .await
        .multistatus();
    assert_eq!(ms.hrefs(), hrefs);
    for (name, bytes) in appendix_b() {
        let r = ms.response(&format!("{WORK}{name}"));
        assert_eq!(r.prop_text(ns::DAV, "getetag"), etags[&name]);
        assert_eq!(
            r.prop_text(ns::CALDAV, "calendar-data").as_bytes(),
            bytes.as_slice(),
            "{name}"
        );
    }
    assert_eq!(ms.response(&format!("{WORK}mtg1.ics")).status, Some(404));
}

#[tokio::test]
async fn appendix_b_listing_snapshot() {
    let h = Harness::new().await;
    let etags = appendix_b_calendar(&h).await;
    let r = h
        .propfind(
            ALICE,
            WORK,
            "1",
            &common::propfind_body(&[(ns::DAV, "getetag"), (ns::DAV, "getcontenttype")]),
        )
        .await;
    let ms = r.multistatus();
    // Entity tags are content hashes: check each against its PUT, then name it so the
    // snapshot does not depend on the hash function.
    let mut text = r.text().to_owned();
    for (name, etag) in &etags {
        let listed = ms.response(&format!("{WORK}{name}"));
        assert_eq!(&listed.prop_text(ns::DAV, "getetag"), etag);
        let inner = etag.trim_matches('"');
        text = text.replace(inner, &format!("etag-of-{name}"));
    }
    insta::assert_snapshot!(text);
}
