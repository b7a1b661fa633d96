//! Principal searches (RFC 3744 §9.4, §9.5). Without sharing or scheduling nobody may
//! learn about other users, so the only principal a search can find is the requester's.

use axum::body::Body;
use axum::response::Response;
use http::{HeaderValue, header};
use kairos_dav_proto::{
    Element, MultistatusWriter, PropFind, PropRequest, PropertySearch, QName, names,
};

use crate::error::DavResult;
use crate::methods::multistatus;
use crate::paths::principal_href;
use crate::properties::{Target, propstats};
use crate::request::Ctx;

/// Whether one search matches the requester's principal: a case-insensitive substring
/// of the value of one of the searched properties.
fn matches(ctx: &Ctx<'_>, search: &PropertySearch) -> bool {
    let me = ctx.principal.name();
    let needle = search.match_text.to_lowercase();
    search.props.iter().any(|p| {
        let value = if *p == names::DISPLAYNAME {
            me.to_owned()
        } else if *p == names::CALENDAR_USER_ADDRESS_SET {
            principal_href(me)
        } else {
            return false;
        };
        value.to_lowercase().contains(&needle)
    })
}

/// Answers a principal-property-search.
pub(crate) async fn property_search(
    ctx: &Ctx<'_>,
    searches: &[PropertySearch],
    any_of: bool,
    prop: &PropRequest,
) -> DavResult<Response> {
    let hit = if searches.is_empty() {
        true
    } else if any_of {
        searches.iter().any(|s| matches(ctx, s))
    } else {
        searches.iter().all(|s| matches(ctx, s))
    };
    // The Python caldav library sends an empty DAV:prop with the wanted names beside it;
    // an empty selection gets the properties clients need to use a principal.
    let discovery;
    let prop = match &prop.selection {
        PropFind::Prop(names) if names.is_empty() => {
            discovery = PropRequest {
                selection: PropFind::Prop(vec![
                    names::DISPLAYNAME,
                    names::CALENDAR_HOME_SET,
                    names::PRINCIPAL_URL,
                    names::CALENDAR_USER_ADDRESS_SET,
                ]),
                calendar_data: None,
            };
            &discovery
        }
        _ => prop,
    };
    let mut out = MultistatusWriter::new();
    if hit {
        let me = ctx.principal.name();
        let shared_homes = ctx.core.sharing_owners(&ctx.principal).await?;
        let env = crate::properties::PropEnv {
            shared_homes: &shared_homes,
            ..ctx.env()
        };
        out.response(
            &principal_href(me),
            &propstats(&env, &Target::Principal(me), prop, &[]),
        );
    }
    Ok(multistatus(out.finish()))
}

/// Answers principal-search-property-set: the properties a search may name.
pub(crate) fn search_property_set() -> DavResult<Response> {
    let entry = |name: QName, description: &str| {
        Element::new(QName::dav("principal-search-property"))
            .with_child(Element::new(names::PROP).with_child(Element::new(name)))
            .with_child(
                Element::new(QName::dav("description"))
                    .with_attr(
                        QName::new("http://www.w3.org/XML/1998/namespace", "lang"),
                        "en",
                    )
                    .with_text(description),
            )
    };
    let doc = Element::new(QName::dav("principal-search-property-set"))
        .with_child(entry(names::DISPLAYNAME, "Display name"))
        .with_child(entry(
            names::CALENDAR_USER_ADDRESS_SET,
            "Calendar user address",
        ));
    let mut r = Response::new(Body::from(format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n{}",
        doc.to_xml()
    )));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    Ok(r)
}
