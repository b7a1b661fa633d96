//! REPORT (RFC 3253 §3.6): one file per report.

mod freebusy;
mod multiget;
mod principal;
mod query;
mod sync;

use axum::response::Response;
use http::StatusCode;
use kairos_core::{CoreError, Granted, Resource};
use kairos_dav_proto::{Precondition, Report, names, parse_report};

use crate::error::{DavError, DavResult};
use crate::methods::{Located, locate};
use crate::paths::DavPath;
use crate::request::Ctx;

/// Refusal for a report this resource does not support.
fn unsupported() -> DavError {
    DavError::Condition(
        StatusCode::FORBIDDEN,
        Precondition::new(names::SUPPORTED_REPORT),
    )
}

/// The collection a report runs on (a calendar, or the calendar holding an object).
async fn report_collection(ctx: &Ctx<'_>) -> DavResult<(Granted, Option<String>)> {
    match locate(ctx).await? {
        Located::Resource(Resource::Collection(g)) => Ok((g, None)),
        Located::Resource(Resource::Object { parent, meta }) => Ok((parent, Some(meta.name))),
        Located::Resource(Resource::Missing { .. }) => Err(CoreError::NotFound.into()),
        _ => Err(unsupported()),
    }
}

/// Handles REPORT.
pub(crate) async fn report(ctx: &Ctx<'_>) -> DavResult<Response> {
    let report = parse_report(&ctx.body)?;
    match report {
        Report::CalendarMultiget { prop, hrefs } => {
            let (g, _) = report_collection(ctx).await?;
            multiget::multiget(ctx, &g, &prop, &hrefs).await
        }
        Report::SyncCollection {
            sync_token,
            limit,
            prop,
            ..
        } => {
            let (g, object) = report_collection(ctx).await?;
            if object.is_some() {
                return Err(unsupported());
            }
            sync::sync_collection(ctx, &g, &sync_token, limit, &prop).await
        }
        Report::CalendarQuery(q) => {
            let (g, object) = report_collection(ctx).await?;
            query::calendar_query(ctx, &g, object.as_deref(), &q).await
        }
        Report::FreeBusyQuery { range } => {
            let (g, object) = report_collection(ctx).await?;
            if object.is_some() {
                return Err(unsupported());
            }
            freebusy::free_busy_query(ctx, &g, range).await
        }
        Report::PrincipalPropertySearch {
            searches,
            any_of,
            prop,
            ..
        } => principal::property_search(ctx, &searches, any_of, &prop).await,
        Report::PrincipalSearchPropertySet => principal::search_property_set(),
        _ => Err(unsupported()),
    }
}

/// Bytes to reserve for a multistatus holding `bodies`: each body with room for its
/// escaped line ends (a `&#13;` per CR), plus `per_response` for the href and the other
/// properties.
///
/// Why generous: a buffer that runs short doubles, briefly holding both copies (a week
/// of `expand` is over a megabyte), while reserved pages that are never written are
/// never made resident.
fn answer_capacity<'a>(
    bodies: impl IntoIterator<Item = Option<&'a [u8]>>,
    per_response: usize,
) -> usize {
    bodies
        .into_iter()
        .map(|b| per_response + b.map_or(0, |b| b.len() + b.len() / 2))
        .sum::<usize>()
        + 256
}

/// The member name an href names inside collection `g`, if it does.
pub(crate) fn member_name(g: &Granted, href: &str) -> Option<String> {
    // Hrefs may be absolute URIs; only the path matters.
    let path = match href.find("://") {
        Some(i) => {
            let after = &href[i + 3..];
            &after[after.find('/')?..]
        }
        None => href,
    };
    match DavPath::parse(path) {
        Ok(Some(DavPath::Home {
            owner,
            mut segments,
            trailing_slash: false,
        })) if owner == g.owner_name() => {
            let name = segments.pop()?;
            (segments.join("/") == g.collection().path).then_some(name)
        }
        _ => None,
    }
}
