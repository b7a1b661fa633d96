//! calendar-query (RFC 4791 §7.8): the members matching a filter, evaluated by core.

use kairos_core::{Answer, Granted, QueryZone};
use kairos_dav_proto::{CalendarQuery, MultistatusWriter};
use kairos_store::CollectionKind;

use crate::error::DavResult;
use crate::methods::multistatus_answer;
use crate::paths::push_member;
use crate::properties::{Target, granted_href, needs_data, needs_dead, propstats};
use crate::request::Ctx;

/// The query's time zone for floating times (`C:timezone` or RFC 7809 `C:timezone-id`).
fn query_zone(query: &CalendarQuery) -> Option<QueryZone> {
    match (&query.timezone_id, &query.timezone) {
        (Some(id), _) => Some(QueryZone::Id(id.clone())),
        (None, Some(text)) => Some(QueryZone::Definition(text.clone())),
        (None, None) => None,
    }
}

/// Answers a calendar-query on `g` (or on the single member `only`).
pub(crate) async fn calendar_query(
    ctx: &Ctx<'_>,
    g: &Granted,
    only: Option<&str>,
    query: &CalendarQuery,
) -> DavResult<Answer> {
    if g.collection().kind != CollectionKind::Calendar {
        return Err(super::unsupported());
    }
    let reader = g.reader();
    let zone = query_zone(query);
    let mut objects = ctx
        .core
        .query_calendar(
            &reader,
            &query.filter,
            zone.as_ref(),
            needs_data(&query.prop),
        )
        .await?;
    if let Some(name) = only {
        objects.retain(|o| o.meta.name == name);
    }
    if let Some(req) = &query.prop.calendar_data {
        ctx.core
            .shape_calendar_data(g.collection(), req, zone.as_ref(), &mut objects)?;
    }
    let env = ctx.env();
    let base = granted_href(g);
    let mut out = MultistatusWriter::with_capacity(super::answer_capacity(
        objects.iter().map(|o| o.data.as_deref()),
        base.len() + 400,
    ));
    // By value: each object's bytes are released once written (freed, when shaping
    // made them for this answer), so an `expand` answer does not hold every body twice
    // (as shaped and as written) at its end.
    for object in objects {
        let dead = if needs_dead(&query.prop) {
            ctx.core
                .object_dead_properties(&reader, &object.meta)
                .await?
        } else {
            Vec::new()
        };
        let target = Target::Object {
            parent: g,
            meta: &object.meta,
            data: object.data.as_deref(),
        };
        out.response(
            &push_member(&base, &object.meta.name),
            &propstats(&env, &target, &query.prop, &dead),
        );
    }
    Ok(multistatus_answer(out.finish()))
}
