//! The live properties of every kind of DAV resource, and how a property request is
//! answered for one resource.

use std::borrow::Cow;

use kairos_core::{Granted, Principal, Privileges, Sharee};
use kairos_dav_proto::{Element, PropFind, PropRequest, PropStat, PropValue, QName, names};
use kairos_store::{CollectionKind, DeadProperty, ObjectMeta};

use crate::paths::{PRINCIPALS, collection_href, home_href, principal_href};
use crate::sharing::Standing;

/// A resource whose properties are asked for.
#[derive(Clone, Copy, Debug)]
pub enum Target<'a> {
    /// `/` or `/dav/`: only discovery properties.
    Root,
    /// `/dav/principals/`.
    Principals,
    /// `/dav/principals/{user}/`.
    Principal(&'a str),
    /// `/dav/calendars/`.
    Homes,
    /// A home, plain collection or calendar.
    Collection(&'a Granted),
    /// A member resource, with its bytes when loaded.
    Object {
        /// Containing collection.
        parent: &'a Granted,
        /// The member.
        meta: &'a ObjectMeta,
        /// Its bytes, when the request needs calendar-data.
        data: Option<&'a [u8]>,
    },
}

/// What every answer needs to know about the request.
pub struct PropEnv<'a> {
    /// Who asks.
    pub principal: &'a Principal,
    /// CALDAV:max-resource-size.
    pub max_resource_size: usize,
    /// Owners whose homes hold calendars shared with the principal (filled only where
    /// the principal's calendar-home-set may be asked for).
    pub shared_homes: &'a [String],
    /// Who the answered calendar is shared with, when the principal owns it and the
    /// request asked for what depends on it (filled per collection by PROPFIND; `None`
    /// elsewhere, and then no sharing is claimed for the principal's own calendars).
    pub sharees: Option<&'a [Sharee]>,
}

/// RFC 4918 live properties returned by allprop (dead properties are added separately).
/// CalDAV properties are left out, as RFC 4791 §5.2 asks, and calendar-data above all.
const ALLPROP: &[QName] = &[
    names::RESOURCETYPE,
    names::DISPLAYNAME,
    names::GETETAG,
    names::GETCONTENTTYPE,
    names::GETCONTENTLENGTH,
    names::GETLASTMODIFIED,
    names::CREATIONDATE,
];

/// Every live property name this server knows, for propname answers and PROPPATCH checks.
const LIVE: &[QName] = &[
    names::RESOURCETYPE,
    names::DISPLAYNAME,
    names::GETETAG,
    names::GETCONTENTTYPE,
    names::GETCONTENTLENGTH,
    names::GETLASTMODIFIED,
    names::CREATIONDATE,
    names::CURRENT_USER_PRINCIPAL,
    names::CURRENT_USER_PRIVILEGE_SET,
    names::PRINCIPAL_COLLECTION_SET,
    names::OWNER,
    names::SUPPORTED_REPORT_SET,
    names::PRINCIPAL_URL,
    names::CALENDAR_HOME_SET,
    names::CALENDAR_USER_ADDRESS_SET,
    names::SYNC_TOKEN,
    names::GETCTAG,
    names::CALENDAR_DESCRIPTION,
    names::CALENDAR_TIMEZONE,
    names::SUPPORTED_CALENDAR_COMPONENT_SET,
    names::SUPPORTED_CALENDAR_DATA,
    names::SUPPORTED_COLLATION_SET,
    names::MAX_RESOURCE_SIZE,
    names::CALENDAR_COLOR,
    names::CALENDAR_ORDER,
    names::CALENDAR_DATA,
    names::SHARE_ACCESS,
    names::INVITE,
    names::CS_INVITE,
    names::CS_ALLOWED_SHARING_MODES,
];

/// Whether `name` is a live property of this server (never stored as a dead property).
pub fn is_live(name: &QName) -> bool {
    LIVE.contains(name)
}

fn el(name: QName) -> Element {
    Element::new(name)
}

fn resourcetype(children: &[QName]) -> PropValue<'static> {
    PropValue::Children(children.iter().cloned().map(el).collect())
}

fn privilege_set(p: Privileges) -> PropValue<'static> {
    let mut granted = vec![names::READ, names::READ_CURRENT_USER_PRIVILEGE_SET];
    if p.write_content && p.write_properties && p.bind {
        granted.push(names::WRITE);
    }
    if p.write_properties {
        granted.push(names::WRITE_PROPERTIES);
    }
    if p.write_content {
        granted.push(names::WRITE_CONTENT);
    }
    if p.bind {
        granted.push(names::BIND);
        granted.push(names::UNBIND);
    }
    PropValue::Children(
        granted
            .into_iter()
            .map(|g| el(names::PRIVILEGE).with_child(el(g)))
            .collect(),
    )
}

fn report_set(reports: &[QName]) -> PropValue<'static> {
    PropValue::Children(
        reports
            .iter()
            .map(|r| {
                el(names::SUPPORTED_REPORT).with_child(el(names::REPORT).with_child(el(r.clone())))
            })
            .collect(),
    )
}

fn http_date(ms: i64) -> String {
    let secs = u64::try_from(ms / 1000).unwrap_or(0);
    httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs))
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

fn text<'a>(s: impl Into<Cow<'a, str>>) -> Option<PropValue<'a>> {
    Some(PropValue::Text(s.into()))
}

fn href<'a>(s: impl Into<Cow<'a, str>>) -> Option<PropValue<'a>> {
    Some(PropValue::Href(s.into()))
}

/// Properties every authenticated resource shares.
fn common<'a>(env: &PropEnv<'_>, name: &QName) -> Option<PropValue<'a>> {
    match name {
        n if *n == names::CURRENT_USER_PRINCIPAL => href(principal_href(env.principal.name())),
        n if *n == names::PRINCIPAL_COLLECTION_SET => href(PRINCIPALS),
        _ => None,
    }
}

/// The value of live property `name` on `target`, or `None` when it has none.
pub fn live_value<'a>(
    env: &PropEnv<'_>,
    target: &Target<'a>,
    name: &QName,
) -> Option<PropValue<'a>> {
    if let Some(v) = common(env, name) {
        return Some(v);
    }
    match target {
        Target::Root | Target::Principals | Target::Homes => match name {
            n if *n == names::RESOURCETYPE => Some(resourcetype(&[names::COLLECTION])),
            n if *n == names::CURRENT_USER_PRIVILEGE_SET => Some(privilege_set(Privileges {
                read: true,
                write_content: false,
                write_properties: false,
                bind: false,
            })),
            n if *n == names::SUPPORTED_REPORT_SET => Some(report_set(&[])),
            _ => None,
        },
        Target::Principal(user) => principal_value(env, user, name),
        Target::Collection(g) => collection_value(env, g, name),
        Target::Object { parent, meta, data } => object_value(parent, meta, *data, name),
    }
}

fn principal_value<'a>(env: &PropEnv<'_>, user: &str, name: &QName) -> Option<PropValue<'a>> {
    match name {
        n if *n == names::RESOURCETYPE => {
            Some(resourcetype(&[names::COLLECTION, names::PRINCIPAL]))
        }
        n if *n == names::DISPLAYNAME => text(user.to_owned()),
        n if *n == names::PRINCIPAL_URL => href(principal_href(user)),
        n if *n == names::CALENDAR_HOME_SET => {
            // Calendars others shared live in their owners' homes; RFC 4791 §6.2.1 lets
            // the home set name several collections, and clients look in each.
            let mut homes = vec![Cow::Owned(home_href(user))];
            if user == env.principal.name() {
                homes.extend(env.shared_homes.iter().map(|o| Cow::Owned(home_href(o))));
            }
            Some(PropValue::Hrefs(homes))
        }
        n if *n == names::CALENDAR_USER_ADDRESS_SET => href(principal_href(user)),
        n if *n == names::OWNER => href(principal_href(user)),
        n if *n == names::SUPPORTED_REPORT_SET => Some(report_set(&[])),
        n if *n == names::CURRENT_USER_PRIVILEGE_SET => {
            let own = user == env.principal.name();
            Some(privilege_set(Privileges {
                read: true,
                write_content: false,
                write_properties: own,
                bind: false,
            }))
        }
        _ => None,
    }
}

fn collection_value<'a>(env: &PropEnv<'_>, g: &'a Granted, name: &QName) -> Option<PropValue<'a>> {
    let c = g.collection();
    let calendar = c.kind == CollectionKind::Calendar;
    let p = &c.props;
    let standing = || Standing::of(env.principal, g, env.sharees);
    match name {
        n if *n == names::RESOURCETYPE => Some(if calendar {
            let mut types = vec![names::COLLECTION, names::CALENDAR];
            types.extend(standing().resourcetype_marker());
            resourcetype(&types)
        } else {
            resourcetype(&[names::COLLECTION])
        }),
        n if *n == names::DISPLAYNAME => g.display_name().and_then(text),
        n if *n == names::GETLASTMODIFIED => text(http_date(c.modified_at)),
        n if *n == names::CREATIONDATE => text(rfc3339(c.created_at)),
        n if *n == names::OWNER => href(principal_href(g.owner_name())),
        n if *n == names::CURRENT_USER_PRIVILEGE_SET => Some(privilege_set(g.privileges())),
        n if *n == names::GETCTAG => text(ctag(g)),
        n if *n == names::SUPPORTED_REPORT_SET => Some(if calendar {
            report_set(&[
                names::CALENDAR_MULTIGET,
                names::CALENDAR_QUERY,
                names::FREE_BUSY_QUERY,
                names::SYNC_COLLECTION,
            ])
        } else {
            report_set(&[])
        }),
        _ if !calendar => None,
        // Apple Calendar offers sharing where this says the calendar can be shared
        // (by its owner, with a credential that may manage it; POST does it).
        n if *n == names::CS_ALLOWED_SHARING_MODES => Some(
            if c.owner_id == env.principal.id() && g.privileges().write_properties {
                PropValue::Children(vec![el(names::CS_CAN_BE_SHARED)])
            } else {
                PropValue::Empty
            },
        ),
        n if *n == names::SHARE_ACCESS || *n == names::INVITE || *n == names::CS_INVITE => {
            standing().value(g.owner_name(), n)
        }
        n if *n == names::SYNC_TOKEN => text(ctag(g)),
        n if *n == names::CALENDAR_DESCRIPTION => p.description.as_deref().and_then(text),
        n if *n == names::CALENDAR_TIMEZONE => p.timezone.as_deref().and_then(text),
        n if *n == names::CALENDAR_COLOR => g.color().and_then(text),
        n if *n == names::CALENDAR_ORDER => {
            g.order().map(|o| PropValue::Text(o.to_string().into()))
        }
        n if *n == names::SUPPORTED_CALENDAR_COMPONENT_SET => Some(PropValue::Children(
            p.components
                .iter()
                .map(|k| el(names::COMP).with_attr(QName::new("", "name"), k.name()))
                .collect(),
        )),
        n if *n == names::SUPPORTED_CALENDAR_DATA => Some(PropValue::Children(vec![
            el(names::CALENDAR_DATA)
                .with_attr(QName::new("", "content-type"), "text/calendar")
                .with_attr(QName::new("", "version"), "2.0"),
            el(names::CALENDAR_DATA)
                .with_attr(QName::new("", "content-type"), "application/calendar+json")
                .with_attr(QName::new("", "version"), "2.0"),
        ])),
        n if *n == names::MAX_RESOURCE_SIZE => text(env.max_resource_size.to_string()),
        n if *n == names::SUPPORTED_COLLATION_SET => Some(PropValue::Children(
            kairos_ical::query::Collation::SUPPORTED
                .iter()
                .map(|c| el(names::SUPPORTED_COLLATION).with_text(c.name()))
                .collect(),
        )),
        _ => None,
    }
}

/// The collection's change tag: the sync token, which moves with every change.
fn ctag(g: &Granted) -> String {
    let c = g.collection();
    kairos_core::SyncToken {
        collection: c.id,
        seq: c.seq,
    }
    .to_string()
}

fn object_value<'a>(
    parent: &'a Granted,
    meta: &'a ObjectMeta,
    data: Option<&'a [u8]>,
    name: &QName,
) -> Option<PropValue<'a>> {
    match name {
        n if *n == names::RESOURCETYPE => Some(PropValue::Empty),
        n if *n == names::GETETAG => text(format!("\"{}\"", meta.etag)),
        n if *n == names::GETCONTENTTYPE => text(meta.content_type.as_str()),
        n if *n == names::GETCONTENTLENGTH => text(meta.size.to_string()),
        n if *n == names::GETLASTMODIFIED => text(http_date(meta.modified_at)),
        n if *n == names::CREATIONDATE => text(rfc3339(meta.created_at)),
        n if *n == names::OWNER => href(principal_href(parent.owner_name())),
        n if *n == names::CURRENT_USER_PRIVILEGE_SET => Some(privilege_set(parent.privileges())),
        n if *n == names::CALENDAR_DATA && meta.component.is_some() => {
            // Stored calendar data passed ingest as UTF-8: `from_utf8` checks it with an
            // ASCII fast path; `from_utf8_lossy` walks it in chunks even when it is valid
            // (7 % of the CPU of a one-week time-range answer).
            data.map(|d| {
                PropValue::Text(match std::str::from_utf8(d) {
                    Ok(text) => std::borrow::Cow::Borrowed(text),
                    Err(_) => String::from_utf8_lossy(d),
                })
            })
        }
        _ => None,
    }
}

/// The live property names `target` has (for propname).
fn live_names(env: &PropEnv<'_>, target: &Target<'_>) -> Vec<QName> {
    LIVE.iter()
        .filter(|n| **n != names::CALENDAR_DATA)
        .filter(|n| live_value(env, target, n).is_some())
        .cloned()
        .collect()
}

/// Whether answering `request` needs dead properties from the store.
pub fn needs_dead(request: &PropRequest) -> bool {
    match &request.selection {
        PropFind::AllProp { .. } | PropFind::PropName => true,
        PropFind::Prop(names) => names.iter().any(|n| !is_live(n)),
    }
}

/// Whether answering `request` needs the resources' bytes.
pub fn needs_data(request: &PropRequest) -> bool {
    match &request.selection {
        PropFind::Prop(list) => list.contains(&names::CALENDAR_DATA),
        PropFind::AllProp { include } => include.contains(&names::CALENDAR_DATA),
        PropFind::PropName => false,
    }
}

/// The propstats answering `request` for `target` with its dead properties.
pub fn propstats<'a>(
    env: &PropEnv<'_>,
    target: &Target<'a>,
    request: &PropRequest,
    dead: &'a [DeadProperty],
) -> Vec<PropStat<'a>> {
    let mut found: Vec<(QName, PropValue<'a>)> = Vec::new();
    let mut missing: Vec<QName> = Vec::new();
    // A dead property stored under a name that later became live (before PROPPATCH
    // protected it) never stands in for the live one.
    let dead: Vec<&DeadProperty> = dead
        .iter()
        .filter(|d| {
            !LIVE
                .iter()
                .any(|n| n.ns == d.namespace && n.local == d.name)
        })
        .collect();
    let find_dead = |n: &QName| {
        dead.iter()
            .copied()
            .find(|d| d.namespace == n.ns && d.name == n.local)
            .map(|d| PropValue::Raw(Cow::Borrowed(d.xml.as_str())))
    };
    match &request.selection {
        PropFind::Prop(list) => {
            for n in list {
                match live_value(env, target, n).or_else(|| find_dead(n)) {
                    Some(v) => found.push((n.clone(), v)),
                    None => missing.push(n.clone()),
                }
            }
        }
        PropFind::AllProp { include } => {
            for n in ALLPROP {
                if let Some(v) = live_value(env, target, n) {
                    found.push((n.clone(), v));
                }
            }
            for d in dead.iter().copied() {
                found.push((
                    QName::new(d.namespace.clone(), d.name.clone()),
                    PropValue::Raw(Cow::Borrowed(d.xml.as_str())),
                ));
            }
            for n in include {
                if found.iter().any(|(f, _)| f == n) {
                    continue;
                }
                match live_value(env, target, n) {
                    Some(v) => found.push((n.clone(), v)),
                    None => missing.push(n.clone()),
                }
            }
        }
        PropFind::PropName => {
            for n in live_names(env, target) {
                found.push((n, PropValue::Empty));
            }
            for d in dead.iter().copied() {
                found.push((
                    QName::new(d.namespace.clone(), d.name.clone()),
                    PropValue::Empty,
                ));
            }
        }
    }
    let mut out = Vec::with_capacity(2);
    if !found.is_empty() {
        out.push(PropStat::new(200, found));
    }
    if !missing.is_empty() {
        out.push(PropStat::not_found(missing));
    }
    out
}

/// Href of a collection target.
pub fn granted_href(g: &Granted) -> String {
    collection_href(g.owner_name(), &g.collection().path)
}
