//! `kairos serve`: the HTTP server with clean shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use kairos_core::{JobHandlers, Kairos};
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

use crate::settings::Settings;

fn init_logging(settings: &Settings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.log))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // A second initialisation (tests) is harmless: keep the first subscriber.
    let _ = if settings.log_format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(core): State<Arc<Kairos>>) -> (StatusCode, &'static str) {
    match core.ready().await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n"),
    }
}

/// The whole HTTP application over one core: calendars over DAV, the REST API and the web
/// calendar (unless the role is `worker`), health, readiness and metrics.
pub fn app(core: Arc<Kairos>, settings: &Settings) -> Router {
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz));
    if settings.metrics {
        router = router.route("/metrics", get(crate::metrics::scrape));
    }
    let mut router = router.with_state(core.clone());
    if settings.role.serves() {
        router = router.merge(kairos_api::router(
            core.clone(),
            kairos_api::ApiConfig {
                max_body: settings.max_body_size,
                secure_cookies: settings.cookie_secure,
                cors_origins: settings.cors_origins.clone(),
            },
        ));
        let dav = kairos_dav::router(
            core.clone(),
            kairos_dav::DavConfig {
                max_body_size: settings.max_body_size,
            },
        );
        let web = kairos_web::WebConfig {
            secure_cookies: settings.cookie_secure,
        };
        // `/` is the web calendar for browsers (GET, HEAD) and the DAV root for every
        // other method (PROPFIND, OPTIONS, …).
        router = router
            .route(
                "/",
                kairos_web::root(core.clone(), web.clone()).fallback_service(dav.clone()),
            )
            .merge(kairos_web::router(core, web))
            .merge(dav);
    }
    if settings.metrics {
        // Touch the recorder before the first request so /metrics always has one.
        crate::metrics::recorder();
        router = router.layer(axum::middleware::from_fn(crate::metrics::track));
    }
    router
        .layer(
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(
                    tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::DEBUG),
                )
                .on_request(tower_http::trace::DefaultOnRequest::new().level(tracing::Level::DEBUG))
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::DEBUG),
                ),
        )
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
}

/// Resolves when SIGTERM or Ctrl-C arrives.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Runs the server until SIGTERM/SIGINT, then lets in-flight requests finish (bounded by
/// `shutdown_grace_secs`) and closes the database cleanly.
pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    init_logging(&settings);
    let store = crate::cli::open_store(&settings).await?;
    let store = Arc::new(store);
    let core = Arc::new(Kairos::new(store.clone(), settings.core()));
    let addr: SocketAddr = settings
        .listen
        .parse()
        .with_context(|| format!("bad listen address {}", settings.listen))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!(%addr, role = ?settings.role, data_dir = %settings.data_dir.display(), "kairos listening");

    let (stop_tx, mut stop_rx) = watch::channel(false);
    let worker = settings.role.works().then(|| {
        let core = core.clone();
        let stop = stop_rx.clone();
        tokio::spawn(async move { core.run_worker(JobHandlers::standard(), stop).await })
    });
    let stopping = core.clone();
    let server = axum::serve(
        listener,
        app(core.clone(), &settings).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        stopping.begin_shutdown();
        let _ = stop_tx.send(true);
    });
    let grace = Duration::from_secs(settings.shutdown_grace_secs);
    tokio::select! {
        result = server => result.context("server error")?,
        () = async {
            let _ = stop_rx.wait_for(|stopped| *stopped).await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!("grace period over; abandoning remaining requests"),
    }
    if let Some(worker) = worker {
        // The stop signal has been sent: the worker finishes the jobs it holds.
        if tokio::time::timeout(grace, worker).await.is_err() {
            tracing::warn!(
                "grace period over; abandoning running jobs (their leases will run out)"
            );
        }
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}
