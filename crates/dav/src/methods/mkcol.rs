//! MKCOL (RFC 4918 §9.3), extended MKCOL (RFC 5689) and MKCALENDAR (RFC 4791 §5.3.1).

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use kairos_core::{CoreError, NewCollection, Resource};
use kairos_dav_proto::{
    Element, PatchOp, Precondition, names, parse_mkcalendar, parse_mkcol, propstat_body,
};

use super::propchange::from_set;
use super::proppatch::patch_propstats;
use super::{Located, home_path, locate, status_only};
use crate::error::{DavError, DavResult};
use crate::request::Ctx;

/// The kind a `DAV:resourcetype` value asks for.
fn requested_kind(resourcetype: &Element) -> DavResult<NewCollection> {
    let mut kind = NewCollection::Plain;
    for child in resourcetype.child_elements() {
        if child.name == names::CALENDAR {
            kind = NewCollection::Calendar;
        } else if child.name != names::COLLECTION {
            return Err(DavError::Condition(
                StatusCode::FORBIDDEN,
                Precondition::new(names::VALID_RESOURCETYPE),
            ));
        }
    }
    Ok(kind)
}

/// Handles MKCOL (`calendar == false`) and MKCALENDAR.
pub(crate) async fn mkcol(ctx: &Ctx<'_>, calendar: bool) -> DavResult<Response> {
    let (_, segments) = home_path(ctx)?;
    let blank = ctx.body.iter().all(u8::is_ascii_whitespace);
    let props: Vec<Element> = if blank {
        Vec::new()
    } else if !super::media_type_in(ctx.content_type(), &["application/xml", "text/xml"]) {
        return Err(DavError::Status(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "MKCOL bodies are extended-MKCOL XML",
        ));
    } else {
        let parsed = if calendar {
            parse_mkcalendar(&ctx.body)
        } else {
            parse_mkcol(&ctx.body)
        };
        super::body_of_kind(parsed, "unsupported MKCOL body")?
    };
    let mut kind = if calendar {
        NewCollection::Calendar
    } else {
        NewCollection::Plain
    };
    let mut settable = Vec::new();
    for p in props {
        if p.name == names::RESOURCETYPE {
            if !calendar {
                kind = requested_kind(&p)?;
            }
        } else {
            settable.push(p);
        }
    }
    let parent = match locate(ctx).await? {
        Located::Resource(Resource::Missing {
            parent: Some(parent),
        }) => parent,
        Located::Resource(Resource::Missing { parent: None }) => {
            return Err(CoreError::ParentMissing.into());
        }
        _ => return Err(CoreError::AlreadyExists.into()),
    };
    // After the lookup, so another user's home answers 404 rather than 405.
    let Some(name) = segments.last() else {
        return Err(CoreError::AlreadyExists.into());
    };
    let changes: Vec<_> = settable.iter().map(|e| from_set(e, true)).collect();
    let result = ctx
        .core
        .create_collection(&parent.writer()?, name, kind, &changes)
        .await;
    match result {
        Ok(_) => Ok(status_only(StatusCode::CREATED)),
        Err(CoreError::Properties(f)) => {
            let ops: Vec<PatchOp> = settable.into_iter().map(PatchOp::Set).collect();
            let stats = patch_propstats(&ops, &changes, Err(CoreError::Properties(f)))?;
            let root = if calendar {
                names::MKCALENDAR_RESPONSE
            } else {
                names::MKCOL_RESPONSE
            };
            let mut r = Response::new(Body::from(propstat_body(&root, &stats)));
            *r.status_mut() = StatusCode::FORBIDDEN;
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/xml; charset=utf-8"),
            );
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}
