//! REPORT (RFC 3253 §3.6): one file per report.

mod freebusy;
mod multiget;
mod principal;
mod query;
mod sync;

use std::time::Instant;

use axum::response::Response;
use http::StatusCode;
use kairos_core::{AnswerKey, CoreError, Granted, Resource};
use kairos_dav_proto::{Precondition, Report, names, parse_report};

use crate::error::{DavError, DavResult};
use crate::methods::{Located, answer_response, locate};
use crate::paths::DavPath;
use crate::properties::needs_dead;
use crate::request::{Ctx, held_until_sent};

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
    let (g, object) = match &report {
        Report::PrincipalPropertySearch {
            searches,
            any_of,
            prop,
            ..
        } => return principal::property_search(ctx, searches, *any_of, prop).await,
        Report::PrincipalSearchPropertySet => return principal::search_property_set(),
        Report::CalendarMultiget { .. } | Report::CalendarQuery(_) => {
            report_collection(ctx).await?
        }
        Report::SyncCollection { .. } | Report::FreeBusyQuery { .. } => {
            match report_collection(ctx).await? {
                (g, None) => (g, None),
                (_, Some(_)) => return Err(unsupported()),
            }
        }
        _ => return Err(unsupported()),
    };
    let key = keepable(&report)
        .then(|| AnswerKey::new(&ctx.principal, &g, asked(ctx, object.as_deref())));
    if let Some(kept) = key.as_ref().and_then(|k| ctx.core.kept_answer(k)) {
        return Ok(answer_response(kept));
    }
    let turn = ctx.core.large_answer_turn().await;
    let began = Instant::now();
    let answer = match report {
        Report::CalendarMultiget { prop, hrefs } => {
            multiget::multiget(ctx, &g, &prop, &hrefs).await?
        }
        Report::SyncCollection {
            sync_token,
            limit,
            prop,
            ..
        } => sync::sync_collection(ctx, &g, &sync_token, limit, &prop).await?,
        Report::CalendarQuery(q) => query::calendar_query(ctx, &g, object.as_deref(), &q).await?,
        Report::FreeBusyQuery { range } => freebusy::free_busy_query(ctx, &g, range).await?,
        _ => return Err(unsupported()),
    };
    if let Some(key) = key {
        ctx.core.keep_answer(key, &answer, began.elapsed());
    }
    Ok(held_until_sent(answer_response(answer), turn))
}

/// Whether the answer to `report` depends only on what its [`AnswerKey`] holds, so that
/// a kept one may be sent again. Not when members' dead properties are asked for (a
/// PROPPATCH on a member does not move the collection's sequence).
///
/// A kept free-busy answer carries the DTSTAMP of when it was built. RFC 5545 §3.8.7.2
/// makes the DTSTAMP of an object without METHOD the time its information was last
/// revised in the store, and nothing was revised since: the sequence is unchanged.
fn keepable(report: &Report) -> bool {
    match report {
        Report::CalendarMultiget { prop, .. } | Report::SyncCollection { prop, .. } => {
            !needs_dead(prop)
        }
        Report::CalendarQuery(q) => !needs_dead(&q.prop),
        Report::FreeBusyQuery { .. } => true,
        _ => false,
    }
}

/// The request as an answer key describes it: the member it names, the Depth header
/// and the body (the collection, the asker and the grant are the key's own parts).
fn asked(ctx: &Ctx<'_>, object: Option<&str>) -> Vec<u8> {
    let depth = ctx
        .header(&http::header::HeaderName::from_static("depth"))
        .unwrap_or("");
    let object = object.unwrap_or("");
    let mut asked = Vec::with_capacity(object.len() + depth.len() + ctx.body.len() + 2);
    for part in [
        object.as_bytes(),
        b"\0",
        depth.as_bytes(),
        b"\0",
        &ctx.body[..],
    ] {
        asked.extend_from_slice(part);
    }
    asked
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
