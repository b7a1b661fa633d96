//! free-busy-query (RFC 4791 §7.10): busy time of one calendar as a VFREEBUSY.

use http::StatusCode;
use kairos_core::{Answer, Granted};
use kairos_dav_proto::TimeRange;
use kairos_store::CollectionKind;

use crate::error::{DavError, DavResult};
use crate::request::Ctx;

/// Answers a free-busy-query on calendar `g`.
pub(crate) async fn free_busy_query(
    ctx: &Ctx<'_>,
    g: &Granted,
    range: TimeRange,
) -> DavResult<Answer> {
    if g.collection().kind != CollectionKind::Calendar {
        return Err(super::unsupported());
    }
    if range.start.is_none() || range.end.is_none() {
        return Err(DavError::Status(
            StatusCode::BAD_REQUEST,
            "free-busy-query needs a time-range with start and end",
        ));
    }
    let busy = ctx.core.free_busy(&g.reader(), range, None).await?;
    Ok(Answer {
        status: StatusCode::OK.as_u16(),
        content_type: "text/calendar; charset=utf-8",
        body: busy.to_ical(jiff::Timestamp::now()).into(),
    })
}
