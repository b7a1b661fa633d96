//! `kairos serve`: the HTTP server with clean shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use kairos_core::Kairos;
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

/// The whole HTTP application over one core.
pub fn app(core: Arc<Kairos>, settings: &Settings) -> Router {
    let dav = kairos_dav::router(
        core.clone(),
        kairos_dav::DavConfig {
            max_body_size: settings.max_body_size,
        },
    );
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(core)
        .merge(dav)
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

/// Hourly: forget sync deletions older than the retention period.
async fn prune_sync_history(core: Arc<Kairos>) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        match core.prune_sync_history(core.config().sync_retention).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(dropped = n, "pruned old sync deletions"),
            Err(e) => tracing::warn!(error = %e, "pruning sync deletions failed"),
        }
    }
}

/// Hourly (and at start): re-index objects whose instance index horizon comes near, in
/// small batches so writers never wait long behind it.
async fn refresh_time_index(core: Arc<Kairos>) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        let mut total = 0;
        loop {
            match core.refresh_time_index(200).await {
                Ok(0) => break,
                Ok(n) => total += n,
                Err(e) => {
                    tracing::warn!(error = %e, "re-indexing failed");
                    break;
                }
            }
        }
        if total > 0 {
            tracing::info!(objects = total, "re-indexed calendar objects");
        }
    }
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
    tracing::info!(%addr, data_dir = %settings.data_dir.display(), "kairos listening");

    tokio::spawn(prune_sync_history(core.clone()));
    tokio::spawn(refresh_time_index(core.clone()));
    let (stop_tx, mut stop_rx) = watch::channel(false);
    let server = axum::serve(
        listener,
        app(core, &settings).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
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
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}
