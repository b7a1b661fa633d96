//! PUT (RFC 4918 §9.7, RFC 4791 §5.3.2): create or replace a member, with the CalDAV
//! preconditions checked by core.

use axum::response::Response;
use http::StatusCode;
use kairos_core::{CoreError, PutOutcome, Resource};

use super::{Located, home_path, locate, status_only, with_etag};
use crate::error::{DavError, DavResult};
use crate::request::Ctx;

/// Handles PUT.
pub(crate) async fn put(ctx: &Ctx<'_>) -> DavResult<Response> {
    let (_, segments) = home_path(ctx)?;
    // Look up (and check access) first: another user's home must answer 404 like
    // everything else of theirs, not 405.
    let parent = match locate(ctx).await? {
        Located::Resource(Resource::Object { parent, .. }) => parent,
        // A URL ending in `/` names a collection, which PUT cannot create; a member
        // stored under the name would not be found at that URL.
        Located::Resource(Resource::Missing { .. }) if super::options::names_collection(ctx) => {
            return Err(DavError::MethodNotAllowed(
                super::options::ALLOW_MISSING_COLLECTION,
            ));
        }
        Located::Resource(Resource::Missing {
            parent: Some(parent),
        }) => parent,
        Located::Resource(Resource::Missing { parent: None }) => {
            return Err(CoreError::ParentMissing.into());
        }
        Located::Resource(Resource::Collection(g)) => {
            return Err(DavError::MethodNotAllowed(
                super::options::allow_collection(&g),
            ));
        }
        _ => return Err(DavError::MethodNotAllowed(super::options::ALLOW_FIXED)),
    };
    let Some(name) = segments.last() else {
        return Err(DavError::MethodNotAllowed(super::options::ALLOW_COLLECTION));
    };
    let writer = parent.writer()?;
    let outcome = ctx
        .core
        .put_object(
            &writer,
            name,
            ctx.body.to_vec(),
            ctx.content_type(),
            &ctx.conditions()?,
        )
        .await?;
    let status = match outcome {
        PutOutcome::Created(_) => StatusCode::CREATED,
        PutOutcome::Replaced(_) => StatusCode::NO_CONTENT,
    };
    Ok(with_etag(status_only(status), &outcome.meta().etag))
}
