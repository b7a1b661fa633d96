//! sync-collection (RFC 6578): changes since a token, deletions as 404, truncation as 507.

use http::StatusCode;
use kairos_core::{Answer, Granted};
use kairos_dav_proto::headers::Depth;
use kairos_dav_proto::{MultistatusWriter, Precondition, PropRequest, names};

use crate::error::{DavError, DavResult};
use crate::methods::multistatus_answer;
use crate::paths::push_member;
use crate::properties::{Target, granted_href, needs_data, propstats};
use crate::request::Ctx;

/// Answers a sync-collection report on collection `g`.
pub(crate) async fn sync_collection(
    ctx: &Ctx<'_>,
    g: &Granted,
    token: &str,
    limit: Option<u32>,
    prop: &PropRequest,
) -> DavResult<Answer> {
    // RFC 6578 §3.2 defines the report for Depth 0. The Python caldav library sends
    // Depth 1; on a calendar (no child collections) both mean the same, so accept it.
    if ctx.depth(Depth::Zero)? == Depth::Infinity {
        return Err(DavError::Status(
            StatusCode::BAD_REQUEST,
            "sync-collection takes Depth: 0",
        ));
    }
    let reader = g.reader();
    let token = (!token.trim().is_empty()).then_some(token);
    let mut page = ctx
        .core
        .sync_changes(&reader, token, limit, needs_data(prop))
        .await?;
    if let Some(req) = &prop.calendar_data {
        ctx.core
            .shape_calendar_data(g.collection(), req, None, page.members.objects_mut())?;
    }
    let env = ctx.env();
    let base = granted_href(g);
    let bodies = page
        .members
        .iter()
        .map(|(_, o)| o.and_then(|(_, data)| data));
    let mut out =
        MultistatusWriter::with_capacity(super::answer_capacity(bodies, base.len() + 220));
    for (name, object) in page.members.iter() {
        let href = push_member(&base, name);
        match object {
            Some((meta, data)) => {
                let target = Target::Object {
                    parent: g,
                    meta,
                    data,
                };
                out.response(&href, &propstats(&env, &target, prop, &[]));
            }
            None => out.response_status(&href, 404, None),
        }
    }
    if page.truncated {
        out.response_status(
            &base,
            507,
            Some(&Precondition::new(names::NUMBER_OF_MATCHES_WITHIN_LIMITS)),
        );
    }
    out.sync_token(&page.token.to_string());
    Ok(multistatus_answer(out.finish()))
}
