//! PROPPATCH (RFC 4918 §9.2): every change in one transaction or none.

use axum::response::Response;
use kairos_core::{CoreError, PropChange, PropertyError, Resource};
use kairos_dav_proto::{
    MultistatusWriter, PatchOp, Precondition, PropStat, PropValue, names, parse_proppatch,
};
use kairos_store::CollectionKind;

use super::propchange::from_patch;
use super::{Located, locate, multistatus};
use crate::error::{DavError, DavResult};
use crate::paths::push_member;
use crate::properties::granted_href;
use crate::request::Ctx;

/// Handles PROPPATCH.
pub(crate) async fn proppatch(ctx: &Ctx<'_>) -> DavResult<Response> {
    let ops = parse_proppatch(&ctx.body)?;
    let changes = from_patch(&ops);
    let (href, result) = match locate(ctx).await? {
        // On a calendar, core decides: the owner changes the calendar, a sharee their own
        // name, color and order for it.
        Located::Resource(Resource::Collection(g))
            if g.collection().kind == CollectionKind::Calendar =>
        {
            let result = ctx
                .core
                .patch_calendar(&ctx.principal, &g, &changes, None)
                .await;
            (granted_href(&g), result)
        }
        Located::Resource(Resource::Collection(g)) => {
            let w = g.writer()?;
            let href = granted_href(&g);
            (
                href,
                ctx.core.patch_collection_properties(&w, &changes).await,
            )
        }
        Located::Resource(Resource::Object { parent, meta }) => {
            let w = parent.writer()?;
            let href = push_member(&granted_href(&parent), &meta.name);
            (
                href,
                ctx.core
                    .patch_object_properties(&w, &meta.name, &changes)
                    .await,
            )
        }
        Located::Resource(Resource::Missing { .. }) => return Err(CoreError::NotFound.into()),
        _ => {
            return Err(DavError::Core(CoreError::Forbidden(
                "these properties are read-only",
            )));
        }
    };
    let mut out = MultistatusWriter::new();
    out.response(&href, &patch_propstats(&ops, &changes, result)?);
    Ok(multistatus(out.finish()))
}

/// The propstats of a PROPPATCH or failed MKCOL: 200 for all on success; otherwise the
/// refused ones with 403/409 and the rest with 424 Failed Dependency.
pub(crate) fn patch_propstats(
    ops: &[PatchOp],
    changes: &[PropChange],
    result: Result<(), CoreError>,
) -> DavResult<Vec<PropStat<'static>>> {
    let name = |i: usize| ops[i].name().clone();
    match result {
        Ok(()) => Ok(vec![PropStat::new(
            200,
            (0..ops.len())
                .map(|i| (name(i), PropValue::Empty))
                .collect(),
        )]),
        Err(CoreError::Properties(failures)) => {
            let mut stats = Vec::new();
            for (i, err) in &failures {
                let mut stat = PropStat::new(
                    match err {
                        PropertyError::InvalidValue(_) => 409,
                        PropertyError::Protected | PropertyError::NotSupportedHere => 403,
                    },
                    vec![(name(*i), PropValue::Empty)],
                );
                if matches!(err, PropertyError::Protected) {
                    stat.error = Some(Precondition::new(names::CANNOT_MODIFY_PROTECTED_PROPERTY));
                }
                if let PropertyError::InvalidValue(why) = err {
                    stat.description = Some(why.clone());
                }
                stats.push(stat);
            }
            let failed: Vec<usize> = failures.iter().map(|(i, _)| *i).collect();
            let rest: Vec<_> = (0..changes.len())
                .filter(|i| !failed.contains(i))
                .map(|i| (name(i), PropValue::Empty))
                .collect();
            if !rest.is_empty() {
                stats.push(PropStat::new(424, rest));
            }
            Ok(stats)
        }
        Err(other) => Err(other.into()),
    }
}
