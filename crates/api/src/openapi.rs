//! The OpenAPI 3.1 document (generated from the handlers' annotations) and the API
//! reference page, whose viewer is bundled in the binary.

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Response as DocResponse};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{ApiState, calendars, events, freebusy, live, publish, session, sharing, sso, tokens};

/// Base path of the API.
pub const BASE: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kairos API",
        version = "1",
        description = "JSON over the same calendars, rules and change log as Kairos's CalDAV \
                       server. Errors are RFC 9457 problem documents. See docs/api.md."
    ),
    tags(
        (name = "calendars", description = "Calendars of the caller"),
        (name = "events", description = "Events and tasks of a calendar"),
        (name = "tokens", description = "API tokens and app passwords of the caller"),
        (name = "sharing", description = "Public links and shares of the caller's calendars"),
        (name = "session", description = "Browser sign-in with a cookie (state-changing requests then need X-CSRF-Token)")
    ),
    modifiers(&Security),
    security(("bearer" = []), ("basic" = []))
)]
struct ApiDoc;

/// Declares the two ways to sign in.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        components.add_security_scheme(
            "basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
    }
}

/// Every error answer is a problem document, and some can come from any operation: this
/// says so once for the whole document instead of on every handler.
struct StandardProblems;

fn problem_response(description: &str) -> RefOr<DocResponse> {
    let content = Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem"))));
    let mut r = DocResponse::new(description);
    r.content.insert(PROBLEM_JSON.to_owned(), content);
    RefOr::T(r)
}

const PROBLEM_JSON: &str = "application/problem+json";

impl Modify for StandardProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                (&mut item.get, false),
                (&mut item.put, true),
                (&mut item.post, true),
                (&mut item.delete, true),
                (&mut item.patch, true),
            ];
            for (op, changes) in ops {
                let Some(op) = op.as_mut() else { continue };
                for resp in op.responses.responses.values_mut() {
                    if let RefOr::T(r) = resp
                        && let Some(c) = r.content.get("application/json")
                        && matches!(&c.schema, Some(RefOr::Ref(re)) if re.ref_location.ends_with("/Problem"))
                        && let Some(c) = r.content.shift_remove("application/json")
                    {
                        r.content.insert(PROBLEM_JSON.to_owned(), c);
                    }
                }
                let params = op.parameters.iter().flatten();
                let has_path_params = params
                    .clone()
                    .any(|p| matches!(p.parameter_in, ParameterIn::Path));
                let has_query_params = params
                    .clone()
                    .any(|p| matches!(p.parameter_in, ParameterIn::Query));
                let mut standard = vec![
                    ("400", "The path, query or body is malformed"),
                    (
                        "401",
                        "Sign in with a Bearer token, HTTP Basic or the session cookie",
                    ),
                    (
                        "429",
                        "Too many failed sign-ins from this client or for this user",
                    ),
                    ("503", "The server is busy; retry shortly"),
                ];
                if changes {
                    standard.push((
                        "403",
                        "Not allowed (read-only token, or a cookie without X-CSRF-Token)",
                    ));
                }
                if op.request_body.is_some() {
                    standard.push(("413", "The body is larger than the server accepts"));
                    standard.push(("415", "The body's media type is not accepted"));
                }
                if op.request_body.is_some() || has_query_params {
                    standard.push(("422", "The body or query is well-formed but invalid"));
                }
                if has_path_params {
                    standard.push(("404", "No such resource, or not yours to see"));
                }
                for (code, description) in standard {
                    op.responses
                        .responses
                        .entry(code.to_owned())
                        .or_insert_with(|| problem_response(description));
                }
            }
        }
    }
}

/// The document, built once.
pub fn document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = api_router().split_for_parts();
    StandardProblems.modify(&mut doc);
    doc
}

fn api_router() -> OpenApiRouter<ApiState> {
    let v1 = OpenApiRouter::new()
        .routes(routes!(calendars::list, calendars::create))
        .routes(routes!(
            calendars::get,
            calendars::update,
            calendars::delete
        ))
        .routes(routes!(events::list, events::create))
        .routes(routes!(
            events::get,
            events::replace,
            events::update,
            events::delete
        ))
        .routes(routes!(freebusy::query))
        .routes(routes!(live::changes))
        .routes(routes!(publish::export))
        .routes(routes!(publish::import))
        .routes(routes!(
            publish::link_status,
            publish::link_create,
            publish::link_revoke
        ))
        .routes(routes!(sharing::list))
        .routes(routes!(sharing::put, sharing::delete))
        .routes(routes!(sharing::history))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(
            session::sign_in,
            session::current,
            session::sign_out
        ))
        .routes(routes!(sso::methods))
        .routes(routes!(sso::begin))
        .routes(routes!(sso::callback));
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(BASE, v1)
}

const REDOC: &[u8] = include_bytes!("../assets/redoc.standalone.js");

const DOCS_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kairos API reference</title>
</head>
<body>
<redoc spec-url="/api/v1/openapi.json" hide-download-button="false"></redoc>
<script src="/api/v1/docs/redoc.js"></script>
</body>
</html>
"#;

/// Only our own origin: the viewer never reaches a CDN (its one remote image is blocked).
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                        img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
                        worker-src 'self' blob:; frame-ancestors 'none'";

fn with_type(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The API routes with the document and reference page.
pub fn routes() -> Router<ApiState> {
    let (router, mut doc) = api_router().split_for_parts();
    StandardProblems.modify(&mut doc);
    let json: Arc<str> = match serde_json::to_string_pretty(&doc) {
        Ok(s) => s.into(),
        Err(e) => {
            tracing::error!(error = %e, "OpenAPI document not serialisable");
            "{}".into()
        }
    };
    router
        .route(
            "/api/v1/{*rest}",
            axum::routing::any(|| async { crate::Problem::not_found() }),
        )
        .route("/public/{file}", get(publish::public_file))
        .route(
            "/api/v1/openapi.json",
            get(move || {
                let json = json.clone();
                async move { with_type(json.to_string(), "application/json") }
            }),
        )
        .route(
            "/api/v1/docs",
            get(|| async {
                let mut r = with_type(DOCS_PAGE, "text/html; charset=utf-8");
                r.headers_mut().insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(DOCS_CSP),
                );
                r
            }),
        )
        .route(
            "/api/v1/docs/redoc.js",
            get(|| async {
                let mut r = with_type(REDOC, "text/javascript; charset=utf-8");
                r.headers_mut().insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                );
                r
            }),
        )
}
