//! HTTP Basic authentication for DAV requests.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use http::{HeaderMap, header};
use kairos_core::{CoreError, Kairos, Principal};

/// The challenge sent with every 401.
pub const CHALLENGE: &str = "Basic realm=\"Kairos\", charset=\"UTF-8\"";

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
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let presented = kairos_core::auth::presented_or_unauthenticated(value)?;
    core.authenticate(&presented, client).await
}
