//! POST on a calendar collection: share requests, in Apple's caldav-sharing dialect
//! (`CS:share`) or draft-pot-webdav-resource-sharing's (`DAV:share-resource`).
//!
//! A request is applied whole or not at all (core checks every entry first). Shares are
//! in force at once: there is no invitation to accept, so nothing is sent to the sharee
//! and no notification collection exists. Success is 200 with no body (both
//! specifications). A sharee href naming nobody this server knows is 403 with
//! `DAV:recognized-principal` (RFC 3744 §8.1.1's precondition for principals named in
//! a request; neither sharing specification defines one) holding that href. Naming the
//! calendar's owner is a plain 403: the principal is known, it just cannot be a sharee
//! of its own calendar. Someone other than the owner gets core's 403.

use axum::response::Response;
use http::StatusCode;
use kairos_core::{CoreError, Resource, ShareChange, ShareRefusal, ShareeAddress};
use kairos_dav_proto::headers::parse_destination;
use kairos_dav_proto::{Precondition, RequestedAccess, names, parse_share};
use kairos_store::{CollectionKind, ShareAccess};

use super::options::{ALLOW_FIXED, ALLOW_OBJECT, allow_collection};
use super::{Located, locate, status_only};
use crate::error::{DavError, DavResult};
use crate::paths::DavPath;
use crate::request::Ctx;

/// The media types a share request comes in: XML, or draft-pot's own type.
const SHARE_TYPES: [&str; 3] = ["application/xml", "text/xml", "application/davsharing+xml"];

/// What a sharee href names: a login name when it is one of this server's principal
/// URLs (absolute path, or absolute URL on the host the client addressed), else the
/// href as a calendar user address for core to resolve (`mailto:`).
pub(crate) fn sharee_address(href: &str, host: Option<&str>) -> ShareeAddress {
    let uri = || ShareeAddress::Uri(href.to_owned());
    let scheme = |s: &str| {
        href.get(..s.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(s))
    };
    let looks_like_url = href.starts_with('/') || scheme("http://") || scheme("https://");
    if !looks_like_url {
        return uri();
    }
    let Ok(url) = parse_destination(href) else {
        return uri();
    };
    if let (Some(authority), Some(host)) = (&url.authority, host)
        && !authority.eq_ignore_ascii_case(host)
    {
        return uri();
    }
    match DavPath::parse(&url.path) {
        Ok(Some(DavPath::Principal(user))) => ShareeAddress::Login(user),
        _ => uri(),
    }
}

/// Handles POST.
pub(crate) async fn post(ctx: &Ctx<'_>) -> DavResult<Response> {
    let g = match locate(ctx).await? {
        Located::Resource(Resource::Collection(g))
            if g.collection().kind == CollectionKind::Calendar =>
        {
            g
        }
        Located::Resource(Resource::Collection(g)) => {
            return Err(DavError::MethodNotAllowed(allow_collection(&g)));
        }
        Located::Resource(Resource::Object { .. }) => {
            return Err(DavError::MethodNotAllowed(ALLOW_OBJECT));
        }
        Located::Resource(Resource::Missing { .. }) => return Err(CoreError::NotFound.into()),
        _ => return Err(DavError::MethodNotAllowed(ALLOW_FIXED)),
    };
    const ONLY_SHARES: &str =
        "POST on a calendar takes a share request (CS:share or DAV:share-resource)";
    if !super::media_type_in(ctx.content_type(), &SHARE_TYPES) {
        return Err(DavError::Status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ONLY_SHARES,
        ));
    }
    let request = super::body_of_kind(parse_share(&ctx.body), ONLY_SHARES)?;
    let changes: Vec<ShareChange> = request
        .changes
        .iter()
        .map(|c| ShareChange {
            sharee: sharee_address(&c.href, ctx.host.as_deref()),
            access: match c.access {
                RequestedAccess::Read => Some(ShareAccess::Read),
                RequestedAccess::ReadWrite => Some(ShareAccess::ReadWrite),
                RequestedAccess::Remove => None,
            },
        })
        .collect();
    let writer = g.writer()?;
    match ctx
        .core
        .change_shares(&ctx.principal, &writer, &changes)
        .await?
    {
        Ok(()) => {
            let mut r = status_only(StatusCode::OK);
            r.headers_mut().insert(
                http::header::CONTENT_LENGTH,
                http::HeaderValue::from_static("0"),
            );
            Ok(r)
        }
        Err(ShareRefusal::UnknownSharee(i)) => Err(DavError::Condition(
            StatusCode::FORBIDDEN,
            Precondition::new(names::RECOGNIZED_PRINCIPAL)
                .with_href(request.changes[i].href.clone()),
        )),
        Err(ShareRefusal::Owner(_)) => Err(DavError::Status(
            StatusCode::FORBIDDEN,
            "a calendar cannot be shared with its owner",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(s: &str) -> ShareeAddress {
        ShareeAddress::Login(s.into())
    }

    fn uri(s: &str) -> ShareeAddress {
        ShareeAddress::Uri(s.into())
    }

    #[test]
    fn principal_urls_name_logins() {
        let host = Some("cal.example.com");
        for href in [
            "/dav/principals/bob/",
            "/dav/principals/bob",
            "http://cal.example.com/dav/principals/bob/",
            "HTTPS://CAL.example.com/dav/principals/bob/",
        ] {
            assert_eq!(sharee_address(href, host), login("bob"), "{href}");
        }
        assert_eq!(
            sharee_address("/dav/principals/b%C3%B6b%40x/", host),
            login("böb@x")
        );
        // Without a Host to compare, an absolute URL is taken at its path.
        assert_eq!(
            sharee_address("https://elsewhere/dav/principals/bob/", None),
            login("bob")
        );
    }

    #[test]
    fn everything_else_is_left_to_core() {
        let host = Some("cal.example.com");
        for href in [
            "mailto:bob@example.com",
            "https://elsewhere.example/dav/principals/bob/",
            "/dav/principals/",
            "/dav/calendars/bob/",
            "/dav/principals/bob/extra/",
            "/elsewhere/principals/bob/",
            "urn:uuid:0193",
            "//evil/dav/principals/bob/",
            "httpx",
        ] {
            assert_eq!(sharee_address(href, host), uri(href), "{href}");
        }
    }

    #[test]
    fn share_media_types() {
        use super::super::media_type_in as ok;
        assert!(ok(None, &SHARE_TYPES));
        assert!(ok(Some("application/xml; charset=utf-8"), &SHARE_TYPES));
        assert!(ok(Some("Text/XML"), &SHARE_TYPES));
        assert!(ok(Some("application/davsharing+xml"), &SHARE_TYPES));
        assert!(!ok(Some("text/calendar"), &SHARE_TYPES));
        assert!(!ok(Some("application/json"), &SHARE_TYPES));
    }
}
