//! PROPFIND (RFC 4918 §9.1) with Depth 0 and 1; Depth infinity is refused with
//! `DAV:propfind-finite-depth`.

use std::collections::HashMap;

use axum::response::Response;
use http::StatusCode;
use kairos_core::{Granted, Resource};
use kairos_dav_proto::headers::Depth;
use kairos_dav_proto::{MultistatusWriter, Precondition, PropRequest, names, parse_propfind};
use kairos_store::{DeadProperty, ObjectId};

use super::{Located, locate, multistatus};
use crate::error::{DavError, DavResult};
use crate::paths::{CALENDARS, DAV_ROOT, PRINCIPALS, home_href, principal_href, push_member};
use crate::properties::{PropEnv, Target, granted_href, needs_data, needs_dead, propstats};
use crate::request::Ctx;
use crate::sharing::owner_sharees;

/// Handles PROPFIND.
pub(crate) async fn propfind(ctx: &Ctx<'_>) -> DavResult<Response> {
    let depth = ctx.depth(Depth::Infinity)?;
    if depth == Depth::Infinity {
        return Err(DavError::Condition(
            StatusCode::FORBIDDEN,
            Precondition::new(names::PROPFIND_FINITE_DEPTH),
        ));
    }
    let request = parse_propfind(&ctx.body)?;
    let deep = depth == Depth::One;
    // Only principal resources show the home set; only they pay for the share lookup.
    let shared_homes = match &ctx.path {
        crate::paths::DavPath::Principal(_) | crate::paths::DavPath::Principals => {
            ctx.core.sharing_owners(&ctx.principal).await?
        }
        _ => Vec::new(),
    };
    let env = PropEnv {
        shared_homes: &shared_homes,
        ..ctx.env()
    };
    let mut out = MultistatusWriter::new();
    let me = ctx.principal.name();
    match locate(ctx).await? {
        Located::Root => {
            let href = match ctx.path {
                crate::paths::DavPath::Root => "/",
                _ => DAV_ROOT,
            };
            out.response(href, &propstats(&env, &Target::Root, &request, &[]));
            if deep && href == DAV_ROOT {
                out.response(
                    PRINCIPALS,
                    &propstats(&env, &Target::Principals, &request, &[]),
                );
                out.response(CALENDARS, &propstats(&env, &Target::Homes, &request, &[]));
            }
        }
        Located::Principals => {
            out.response(
                PRINCIPALS,
                &propstats(&env, &Target::Principals, &request, &[]),
            );
            if deep {
                let target = Target::Principal(me);
                out.response(
                    &principal_href(me),
                    &propstats(&env, &target, &request, &[]),
                );
            }
        }
        Located::Principal(user) => {
            let target = Target::Principal(&user);
            out.response(
                &principal_href(&user),
                &propstats(&env, &target, &request, &[]),
            );
        }
        Located::Homes => {
            out.response(CALENDARS, &propstats(&env, &Target::Homes, &request, &[]));
            if deep {
                let home = ctx.core.resolve(&ctx.principal, me, &[], true).await?;
                if let Resource::Collection(g) = home {
                    collection_response(ctx, &mut out, &g, &request).await?;
                }
            }
        }
        Located::Resource(Resource::Missing { .. }) => {
            return Err(kairos_core::CoreError::NotFound.into());
        }
        Located::Resource(Resource::Object { parent, meta }) => {
            let reader = parent.reader();
            let dead = if needs_dead(&request) {
                ctx.core.object_dead_properties(&reader, &meta).await?
            } else {
                Vec::new()
            };
            let data = if needs_data(&request) {
                Some(ctx.core.get_object(&reader, &meta.name).await?.data)
            } else {
                None
            };
            let target = Target::Object {
                parent: &parent,
                meta: &meta,
                data: data.as_deref(),
            };
            let href = push_member(&granted_href(&parent), &meta.name);
            out.response(&href, &propstats(&env, &target, &request, &dead));
        }
        Located::Resource(Resource::Collection(g)) => {
            collection_response(ctx, &mut out, &g, &request).await?;
            if deep {
                members_response(ctx, &mut out, &g, &request).await?;
            }
        }
    }
    Ok(multistatus(out.finish()))
}

/// The response for a collection itself.
async fn collection_response(
    ctx: &Ctx<'_>,
    out: &mut MultistatusWriter,
    g: &Granted,
    request: &PropRequest,
) -> DavResult<()> {
    let dead = if needs_dead(request) {
        ctx.core.collection_dead_properties(&g.reader()).await?
    } else {
        Vec::new()
    };
    // One query, only for the principal's own calendars and only when asked.
    let sharees = owner_sharees(ctx.core, &ctx.principal, g, request).await?;
    let env = PropEnv {
        sharees: sharees.as_deref(),
        ..ctx.env()
    };
    let href = if g.collection().path.is_empty() {
        home_href(g.owner_name())
    } else {
        granted_href(g)
    };
    out.response(
        &href,
        &propstats(&env, &Target::Collection(g), request, &dead),
    );
    Ok(())
}

/// One response per member: child collections, then member resources. Dead properties
/// and bytes are fetched in one query each, only when the request needs them.
async fn members_response(
    ctx: &Ctx<'_>,
    out: &mut MultistatusWriter,
    g: &Granted,
    request: &PropRequest,
) -> DavResult<()> {
    let reader = g.reader();
    let members = ctx.core.members(&reader).await?;
    for child in &members.collections {
        collection_response(ctx, out, child, request).await?;
    }
    let mut dead: HashMap<ObjectId, Vec<DeadProperty>> = HashMap::new();
    if needs_dead(request) {
        for (id, p) in ctx.core.member_dead_properties(&reader).await? {
            dead.entry(id).or_default().push(p);
        }
    }
    let env = ctx.env();
    let base = granted_href(g);
    let none: Vec<DeadProperty> = Vec::new();
    // A little more than a member with etag, type and resourcetype takes (320 bytes on the bench
    // calendar); more properties grow the buffer as usual.
    out.reserve(members.objects().len() * (base.len() + 300));
    if needs_data(request) {
        for object in ctx.core.objects_with_data(&reader).await? {
            let target = Target::Object {
                parent: g,
                meta: &object.meta,
                data: object.data.as_deref(),
            };
            let props = dead.get(&object.meta.id).unwrap_or(&none);
            out.response(
                &push_member(&base, &object.meta.name),
                &propstats(&env, &target, request, props),
            );
        }
    } else {
        for meta in members.objects() {
            let target = Target::Object {
                parent: g,
                meta,
                data: None,
            };
            let props = dead.get(&meta.id).unwrap_or(&none);
            out.response(
                &push_member(&base, &meta.name),
                &propstats(&env, &target, request, props),
            );
        }
    }
    Ok(())
}
