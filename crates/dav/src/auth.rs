//! HTTP Basic authentication for DAV requests.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use base64::Engine;
use http::{HeaderMap, header};
use kairos_core::{CoreError, Kairos, Principal};

/// The challenge sent with every 401.
pub const CHALLENGE: &str = "Basic realm=\"Kairos\", charset=\"UTF-8\"";

/// User name and password from an `Authorization: Basic …` header.
pub fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// The client's address, when the server recorded it.
pub fn client_ip(extensions: &http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip())
}

/// Authenticates a request from its headers and client address, or says why not.
pub async fn authenticate(
    core: &Kairos,
    headers: &HeaderMap,
    client: Option<IpAddr>,
) -> Result<Principal, CoreError> {
    let (user, password) = basic_credentials(headers).ok_or(CoreError::Unauthenticated)?;
    core.authenticate_password(&user, &password, client).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with_auth(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn parses_basic() {
        // "alice:pa:ss" — the password may contain colons.
        let h = with_auth("Basic YWxpY2U6cGE6c3M=");
        assert_eq!(
            basic_credentials(&h),
            Some(("alice".into(), "pa:ss".into()))
        );
        assert_eq!(
            basic_credentials(&with_auth("basic YWxpY2U6eA==")).map(|c| c.0),
            Some("alice".into())
        );
    }

    #[test]
    fn refuses_other_schemes_and_garbage() {
        assert_eq!(basic_credentials(&with_auth("Bearer abc")), None);
        assert_eq!(basic_credentials(&with_auth("Basic !!!")), None);
        assert_eq!(basic_credentials(&with_auth("Basic YWxpY2U=")), None); // no colon
        assert_eq!(basic_credentials(&HeaderMap::new()), None);
    }
}
