//! calendar-multiget (RFC 4791 §7.9): the named members in one query.

use std::collections::HashMap;

use kairos_core::{Answer, Granted};
use kairos_dav_proto::{MultistatusWriter, PropRequest};
use kairos_store::FetchedObject;

use super::member_name;
use crate::error::DavResult;
use crate::methods::multistatus_answer;
use crate::properties::{Target, needs_data, needs_dead, propstats};
use crate::request::Ctx;

/// Answers a calendar-multiget on collection `g`.
pub(crate) async fn multiget(
    ctx: &Ctx<'_>,
    g: &Granted,
    prop: &PropRequest,
    hrefs: &[String],
) -> DavResult<Answer> {
    let reader = g.reader();
    let names: Vec<Option<String>> = hrefs.iter().map(|h| member_name(g, h)).collect();
    let wanted: Vec<String> = names.iter().flatten().cloned().collect();
    let mut fetched = ctx
        .core
        .objects_by_names(&reader, &wanted, needs_data(prop))
        .await?;
    if let Some(req) = &prop.calendar_data {
        ctx.core
            .shape_calendar_data(g.collection(), req, None, &mut fetched)?;
    }
    let found: HashMap<String, FetchedObject> = fetched
        .into_iter()
        .map(|o| (o.meta.name.clone(), o))
        .collect();
    let env = ctx.env();
    let bodies = names
        .iter()
        .map(|n| n.as_ref().and_then(|n| found.get(n)?.data.as_deref()));
    let href_bytes: usize = hrefs.iter().map(String::len).sum();
    let mut out =
        MultistatusWriter::with_capacity(super::answer_capacity(bodies, 400) + href_bytes);
    for (href, name) in hrefs.iter().zip(&names) {
        let Some(object) = name.as_ref().and_then(|n| found.get(n)) else {
            out.response_status(href, 404, None);
            continue;
        };
        let dead = if needs_dead(prop) {
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
        out.response(href, &propstats(&env, &target, prop, &dead));
    }
    Ok(multistatus_answer(out.finish()))
}
