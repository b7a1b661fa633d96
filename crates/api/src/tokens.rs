//! `/tokens`: the caller's API tokens and app passwords.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kairos_core::auth::NewCredential;
use kairos_store::{Credential, CredentialId, CredentialKind, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ApiState;
use crate::body::{ApiPath, JsonBody};
use crate::caller::Caller;
use crate::problem::{ApiResult, Problem};

/// Token or app password.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TokenKind {
    /// For scripts and integrations (`Authorization: Bearer …`).
    Token,
    /// For one CalDAV client (its password); also accepted as a Bearer token.
    AppPassword,
}

/// What a token may do.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TokenScope {
    /// Reads only.
    ReadOnly,
    /// Reads and writes.
    ReadWrite,
}

/// A token as listed (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct Token {
    /// Id (for revoking).
    pub id: Uuid,
    /// Token or app password.
    pub kind: TokenKind,
    /// Its label.
    pub name: String,
    /// What it may do.
    pub scope: TokenScope,
    /// The one calendar it reaches, if limited.
    pub calendar_id: Option<Uuid>,
    /// Creation time, RFC 3339.
    pub created: String,
    /// Last use (to the minute), RFC 3339.
    pub last_used: Option<String>,
    /// When it stops working, RFC 3339.
    pub expires: Option<String>,
}

/// A newly created token: the only answer that carries the secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    /// The token.
    #[serde(flatten)]
    pub token: Token,
    /// The secret: use it as `Authorization: Bearer <secret>`, or as the password of a
    /// CalDAV client. It is not shown again.
    pub secret: String,
}

/// The caller's tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenList {
    /// Oldest first.
    pub items: Vec<Token>,
}

/// What to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// A label ("phone", "backup script").
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Token (default) or app password.
    pub kind: Option<TokenKind>,
    /// What it may do.
    pub scope: TokenScope,
    /// Limit it to one of the caller's calendars.
    pub calendar_id: Option<Uuid>,
    /// Lifetime in days; forever when absent.
    #[schema(minimum = 1, maximum = 3650)]
    pub expires_in_days: Option<u32>,
}

fn view(c: &Credential) -> Token {
    Token {
        id: c.id.0,
        kind: match c.kind {
            CredentialKind::ApiToken => TokenKind::Token,
            CredentialKind::AppPassword => TokenKind::AppPassword,
        },
        name: c.name.clone(),
        scope: match c.scope {
            Scope::ReadOnly => TokenScope::ReadOnly,
            Scope::ReadWrite => TokenScope::ReadWrite,
        },
        calendar_id: c.collection.map(|id| id.0),
        created: crate::rfc3339(c.created_at),
        last_used: c.last_used_at.map(crate::rfc3339),
        expires: c.expires_at.map(crate::rfc3339),
    }
}

/// Lists the caller's tokens and app passwords.
#[utoipa::path(get, path = "/tokens", tag = "tokens",
    responses((status = 200, body = TokenList), (status = 401, body = Problem)))]
pub async fn list(State(state): State<ApiState>, Caller(me): Caller) -> ApiResult<Json<TokenList>> {
    let items = state.core.credentials(&me).await?;
    Ok(Json(TokenList {
        items: items.iter().map(view).collect(),
    }))
}

/// Creates a token; the answer holds its secret, shown this once. Only a password or
/// session sign-in may create tokens (a token cannot create tokens).
#[utoipa::path(post, path = "/tokens", tag = "tokens", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 403, body = Problem),
        (status = 422, body = Problem), (status = 401, body = Problem)))]
pub async fn create(
    State(state): State<ApiState>,
    Caller(me): Caller,
    JsonBody(new): JsonBody<NewToken>,
) -> ApiResult<Response> {
    if new
        .expires_in_days
        .is_some_and(|d| !(1..=3650).contains(&d))
    {
        return Err(Problem::invalid_field(
            "/expires_in_days",
            "between 1 and 3650 days",
        ));
    }
    let calendar = match new.calendar_id {
        Some(id) => {
            let g = state
                .core
                .calendar(&me, kairos_store::CollectionId(id))
                .await
                .map_err(|_| Problem::invalid_field("/calendar_id", "no such calendar of yours"))?;
            if g.collection().owner_id != me.id() {
                return Err(Problem::invalid_field(
                    "/calendar_id",
                    "no such calendar of yours",
                ));
            }
            Some(g.collection().path.clone())
        }
        None => None,
    };
    let minted = state
        .core
        .create_credential(
            &me,
            NewCredential {
                kind: match new.kind.unwrap_or(TokenKind::Token) {
                    TokenKind::Token => CredentialKind::ApiToken,
                    TokenKind::AppPassword => CredentialKind::AppPassword,
                },
                name: new.name,
                scope: match new.scope {
                    TokenScope::ReadOnly => Scope::ReadOnly,
                    TokenScope::ReadWrite => Scope::ReadWrite,
                },
                calendar,
                expires_in: new
                    .expires_in_days
                    .map(|d| Duration::from_secs(u64::from(d) * 86_400)),
            },
        )
        .await?;
    let body = CreatedToken {
        token: view(&minted.credential),
        secret: minted.secret,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Revokes a token at once.
#[utoipa::path(delete, path = "/tokens/{token_id}", tag = "tokens",
    params(("token_id" = Uuid, Path, description = "Token id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 401, body = Problem)))]
pub async fn revoke(
    State(state): State<ApiState>,
    Caller(me): Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    state.core.revoke_credential(&me, CredentialId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
