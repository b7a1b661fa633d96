//! Who is calling: the principal behind a request's `Authorization` header.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use http::header;
use http::request::Parts;
use kairos_core::Principal;
use kairos_core::auth::presented_or_unauthenticated;

use crate::ApiState;
use crate::problem::Problem;

/// The authenticated principal of a request.
pub struct Caller(pub Principal);

fn client_ip(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip())
}

impl FromRequestParts<ApiState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Problem> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let presented = presented_or_unauthenticated(value)?;
        let principal = state
            .core
            .authenticate(&presented, client_ip(parts))
            .await?;
        Ok(Caller(principal))
    }
}
