//! calendar-query (RFC 4791 §7.8), first stage: filters on the component type only.
//!
//! Time ranges, property and parameter filters need the recurrence engine and instance
//! index of the next milestone; until then they are refused with `CALDAV:supported-filter`
//! rather than answered wrongly.

use axum::response::Response;
use http::StatusCode;
use kairos_core::Granted;
use kairos_dav_proto::{CalendarQuery, CompFilter, MultistatusWriter, Precondition, names};
use kairos_store::{CollectionKind, ComponentKind};

use crate::error::{DavError, DavResult};
use crate::methods::multistatus;
use crate::paths::push_member;
use crate::properties::{Target, granted_href, propstats};
use crate::request::Ctx;

/// What a supported filter selects.
enum Selection {
    /// Every calendar object.
    All,
    /// Objects of one component type.
    Kind(ComponentKind),
    /// Nothing can match (e.g. a component type that does not exist).
    Nothing,
}

fn unsupported_filter() -> DavError {
    DavError::Condition(
        StatusCode::FORBIDDEN,
        Precondition::new(names::SUPPORTED_FILTER),
    )
}

fn plain(f: &CompFilter) -> bool {
    !f.is_not_defined && f.time_range.is_none() && f.prop_filters.is_empty()
}

fn selection(filter: &CompFilter) -> DavResult<Selection> {
    if !plain(filter) {
        return Err(unsupported_filter());
    }
    match filter.comp_filters.as_slice() {
        [] => Ok(Selection::All),
        [inner] if plain(inner) && inner.comp_filters.is_empty() => {
            Ok(match ComponentKind::from_name(&inner.name) {
                Some(kind) => Selection::Kind(kind),
                None => Selection::Nothing,
            })
        }
        _ => Err(unsupported_filter()),
    }
}

/// Answers a calendar-query on `g` (or on the single member `only`).
pub(crate) async fn calendar_query(
    ctx: &Ctx<'_>,
    g: &Granted,
    only: Option<&str>,
    query: &CalendarQuery,
) -> DavResult<Response> {
    if g.collection().kind != CollectionKind::Calendar {
        return Err(super::unsupported());
    }
    let selection = selection(&query.filter)?;
    let reader = g.reader();
    let objects = match selection {
        Selection::Nothing => Vec::new(),
        _ => ctx.core.objects_with_data(&reader).await?,
    };
    let env = ctx.env();
    let base = granted_href(g);
    let mut out = MultistatusWriter::new();
    for object in &objects {
        let wanted = match selection {
            Selection::All => true,
            Selection::Kind(k) => object.meta.component == Some(k),
            Selection::Nothing => false,
        };
        if !wanted || only.is_some_and(|n| n != object.meta.name) {
            continue;
        }
        let target = Target::Object {
            parent: g,
            meta: &object.meta,
            data: object.data.as_deref(),
        };
        out.response(
            &push_member(&base, &object.meta.name),
            &propstats(&env, &target, &query.prop, &[]),
        );
    }
    Ok(multistatus(out.finish()))
}
