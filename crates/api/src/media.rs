//! Media types the API reads and writes, and choosing between them.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::problem::Problem;

/// iCalendar (RFC 5545), as served.
pub const TEXT_CALENDAR: &str = "text/calendar; charset=utf-8";
/// jCal (RFC 7265), as served.
pub const CALENDAR_JSON: &str = "application/calendar+json";

/// The format of a request body that carries calendar data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyFormat {
    /// `text/calendar`.
    ICalendar,
    /// `application/calendar+json` (jCal).
    JCal,
    /// `application/json`: the API's own event fields.
    Json,
}

/// The essence (type/subtype, lower-case) of the request's Content-Type.
fn content_type(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
}

/// The format of the body, among those `accepted`; anything else is 415.
pub fn body_format(headers: &HeaderMap, accepted: &[BodyFormat]) -> Result<BodyFormat, Problem> {
    let found = match content_type(headers).as_deref() {
        Some("text/calendar") => Some(BodyFormat::ICalendar),
        Some("application/calendar+json") => Some(BodyFormat::JCal),
        Some("application/json") => Some(BodyFormat::Json),
        _ => None,
    };
    match found {
        Some(f) if accepted.contains(&f) => Ok(f),
        _ => {
            let names: Vec<&str> = accepted
                .iter()
                .map(|f| match f {
                    BodyFormat::ICalendar => "text/calendar",
                    BodyFormat::JCal => "application/calendar+json",
                    BodyFormat::Json => "application/json",
                })
                .collect();
            Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                format!("send the body as {}", names.join(" or ")),
            ))
        }
    }
}

/// What a client asks to read: the API's JSON unless `Accept` names one of the
/// calendar formats and not JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Representation {
    /// The API's JSON.
    Json,
    /// iCalendar as stored.
    ICalendar,
    /// jCal.
    JCal,
}

impl Representation {
    /// From the request's `Accept`.
    pub fn preferred(headers: &HeaderMap) -> Representation {
        let accept = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let names = |t: &str| {
            accept
                .split(',')
                .any(|r| r.split(';').next().map(str::trim) == Some(t))
        };
        if names("application/json") {
            Representation::Json
        } else if names("text/calendar") {
            Representation::ICalendar
        } else if names("application/calendar+json") {
            Representation::JCal
        } else {
            Representation::Json
        }
    }
}

/// iCalendar bytes from a calendar body: as sent, or converted from jCal by core's one
/// rule for calendar data.
pub fn ical_from_body(format: BodyFormat, body: &[u8]) -> Result<Vec<u8>, Problem> {
    let media = match format {
        BodyFormat::ICalendar => "text/calendar",
        BodyFormat::JCal => CALENDAR_JSON,
        BodyFormat::Json => "application/json",
    };
    Ok(kairos_core::calendar_data(Some(media), body.to_vec())?)
}

/// Stored iCalendar as iCalendar or jCal (the API's JSON forms are built elsewhere).
pub fn calendar_body(repr: Representation, ical: Vec<u8>) -> Result<Response, Problem> {
    let (body, kind) = match repr {
        Representation::JCal => {
            let value = kairos_ical::jcal::to_jcal(&ical).map_err(|e| {
                kairos_core::CoreError::Internal(format!("stored object as jCal: {e}"))
            })?;
            (value.to_string().into_bytes(), CALENDAR_JSON)
        }
        Representation::ICalendar | Representation::Json => (ical, TEXT_CALENDAR),
    };
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: header::HeaderName, v: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, v.parse().unwrap());
        h
    }

    #[test]
    fn body_formats_by_content_type() {
        let all = [BodyFormat::ICalendar, BodyFormat::JCal, BodyFormat::Json];
        let f = |v| body_format(&with(header::CONTENT_TYPE, v), &all).ok();
        assert_eq!(
            f("text/calendar; charset=utf-8"),
            Some(BodyFormat::ICalendar)
        );
        assert_eq!(f("Application/Calendar+JSON"), Some(BodyFormat::JCal));
        assert_eq!(f("application/json"), Some(BodyFormat::Json));
        assert_eq!(f("text/plain"), None);
        let only_ical = body_format(
            &with(header::CONTENT_TYPE, "application/json"),
            &[BodyFormat::ICalendar],
        );
        assert_eq!(only_ical.unwrap_err().status, 415);
    }

    #[test]
    fn representation_from_accept() {
        let r = |v| Representation::preferred(&with(header::ACCEPT, v));
        assert_eq!(r("text/calendar"), Representation::ICalendar);
        assert_eq!(r("application/calendar+json"), Representation::JCal);
        assert_eq!(r("text/calendar, application/json"), Representation::Json);
        assert_eq!(r("*/*"), Representation::Json);
        assert_eq!(
            Representation::preferred(&HeaderMap::new()),
            Representation::Json
        );
    }
}
