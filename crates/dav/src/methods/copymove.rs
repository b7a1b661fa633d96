//! COPY and MOVE (RFC 4918 §9.8, §9.9).

use axum::response::Response;
use http::{StatusCode, header};
use kairos_core::{CoreError, Resource, TransferOutcome, TransferTarget};
use kairos_dav_proto::headers::{Depth, parse_destination, parse_overwrite};

use super::{Located, locate, status_only};
use crate::error::{DavError, DavResult};
use crate::paths::DavPath;
use crate::request::Ctx;

/// Handles COPY (`is_move == false`) and MOVE.
pub(crate) async fn copy_or_move(ctx: &Ctx<'_>, is_move: bool) -> DavResult<Response> {
    let raw = ctx
        .header(&header::HeaderName::from_static("destination"))
        .ok_or(DavError::Status(
            StatusCode::BAD_REQUEST,
            "Destination header required",
        ))?;
    let destination = parse_destination(raw)?;
    if let (Some(dest_host), Some(host)) = (&destination.authority, &ctx.host)
        && !dest_host.eq_ignore_ascii_case(host)
    {
        return Err(DavError::Status(
            StatusCode::BAD_GATEWAY,
            "Destination is on another server",
        ));
    }
    let overwrite = match ctx.header(&header::HeaderName::from_static("overwrite")) {
        Some(v) => parse_overwrite(v)?,
        None => true,
    };
    let (dest_owner, dest_segments) = match DavPath::parse(&destination.path) {
        Ok(Some(DavPath::Home {
            owner, segments, ..
        })) if !segments.is_empty() => (owner, segments),
        Ok(_) => {
            return Err(DavError::Core(CoreError::Forbidden(
                "cannot copy or move there",
            )));
        }
        Err(_) => return Err(DavError::Status(StatusCode::BAD_REQUEST, "bad Destination")),
    };
    let source = match locate(ctx).await? {
        Located::Resource(Resource::Missing { .. }) => return Err(CoreError::NotFound.into()),
        Located::Resource(r) => r,
        _ => return Err(DavError::MethodNotAllowed(super::options::ALLOW_FIXED)),
    };
    // RFC 4918 §9.8.3, §9.9.2: collections copy with Depth 0 or infinity and move with
    // infinity only; Depth 1 is meaningless.
    let depth = ctx.depth(Depth::Infinity)?;
    let deep = match (&source, depth, is_move) {
        (_, Depth::Infinity, _) => true,
        (Resource::Collection(_), Depth::Zero, false) => false,
        (Resource::Object { .. }, Depth::Zero, _) => true,
        _ => return Err(DavError::Status(StatusCode::BAD_REQUEST, "invalid Depth")),
    };
    let target = TransferTarget {
        owner: &dest_owner,
        segments: &dest_segments,
        overwrite,
        deep,
        conditions: ctx.conditions()?,
    };
    let outcome = ctx
        .core
        .transfer(&ctx.principal, &source, &target, is_move)
        .await?;
    Ok(status_only(match outcome {
        TransferOutcome::Created => StatusCode::CREATED,
        TransferOutcome::Replaced => StatusCode::NO_CONTENT,
    }))
}
