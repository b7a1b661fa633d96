//! DELETE (RFC 4918 §9.6) of a member or a whole collection.

use axum::response::Response;
use http::StatusCode;
use kairos_core::{CoreError, Resource};

use super::{Located, locate, status_only};
use crate::error::{DavError, DavResult};
use crate::request::Ctx;

/// Handles DELETE.
pub(crate) async fn delete(ctx: &Ctx<'_>) -> DavResult<Response> {
    match locate(ctx).await? {
        Located::Resource(Resource::Object { parent, meta }) => {
            let writer = parent.writer()?;
            ctx.core
                .delete_object(&writer, &meta.name, &ctx.conditions()?)
                .await?;
        }
        Located::Resource(Resource::Collection(g)) => {
            let conditions = ctx.conditions()?;
            // Collections carry no entity tag: If-Match can never hold.
            if conditions.if_match.is_some() {
                return Err(CoreError::PreconditionFailed.into());
            }
            ctx.core.delete_collection(&g.writer()?).await?;
        }
        Located::Resource(Resource::Missing { .. }) => return Err(CoreError::NotFound.into()),
        _ => return Err(DavError::MethodNotAllowed(super::options::ALLOW_FIXED)),
    }
    Ok(status_only(StatusCode::NO_CONTENT))
}
