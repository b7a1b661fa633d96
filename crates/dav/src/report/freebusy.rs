//! free-busy-query (RFC 4791 §7.10): busy time of one calendar as a VFREEBUSY.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use kairos_core::Granted;
use kairos_dav_proto::TimeRange;
use kairos_store::CollectionKind;

use crate::error::{DavError, DavResult};
use crate::request::Ctx;

/// Answers a free-busy-query on calendar `g`.
pub(crate) async fn free_busy_query(
    ctx: &Ctx<'_>,
    g: &Granted,
    range: TimeRange,
) -> DavResult<Response> {
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
    let body = busy.to_ical(jiff::Timestamp::now());
    let mut r = Response::new(Body::from(body));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    Ok(r)
}
