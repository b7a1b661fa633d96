//! Settings: built-in defaults, then a TOML file, then `KAIROS_*` environment variables,
//! then command-line flags (each overriding the one before).

use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// What a `kairos serve` process does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Serve requests and run background jobs (a single node).
    #[default]
    All,
    /// Serve requests only (many nodes behind a load balancer).
    Front,
    /// Run background jobs only; HTTP answers just /healthz, /readyz and /metrics.
    Worker,
}

impl Role {
    /// Whether this role answers calendar requests.
    pub fn serves(self) -> bool {
        matches!(self, Role::All | Role::Front)
    }

    /// Whether this role runs background jobs.
    pub fn works(self) -> bool {
        matches!(self, Role::All | Role::Worker)
    }
}

/// Everything `kairos` can be configured with. Each key is also `KAIROS_<KEY>` in the
/// environment (e.g. `KAIROS_LISTEN`, `KAIROS_DATA_DIR`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address and port to listen on.
    pub listen: String,
    /// What this process does: `all`, `front` or `worker`.
    pub role: Role,
    /// Directory for the embedded database.
    pub data_dir: PathBuf,
    /// Database URL (`sqlite://…` or `postgres://…`); empty means SQLite in `data_dir`.
    pub database_url: String,
    /// Largest request body accepted, in bytes.
    pub max_body_size: usize,
    /// Largest calendar object accepted (CALDAV:max-resource-size), in bytes.
    pub max_resource_size: usize,
    /// Database connections (readers on SQLite).
    pub db_max_connections: u32,
    /// PostgreSQL statement timeout in milliseconds (0: none).
    pub db_statement_timeout_ms: u64,
    /// Seconds a request waits for a free database connection before failing (503).
    pub db_acquire_timeout_secs: u64,
    /// Background jobs a worker runs at once.
    pub worker_batch: u32,
    /// REPORT and Depth 1 PROPFIND answers built and sent at once (0: no limit).
    pub concurrent_answers: usize,
    /// Megabytes of finished report answers kept for the next asker (0: none).
    pub answer_cache_mb: usize,
    /// Serve Prometheus metrics at /metrics.
    pub metrics: bool,
    /// Seconds a verified password stays cached.
    pub auth_cache_ttl_secs: u64,
    /// Failed sign-ins per user name or address before blocking.
    pub auth_max_failures: u32,
    /// Seconds a blocked user name or address is refused.
    pub auth_block_secs: u64,
    /// Seconds in-flight requests get to finish after SIGTERM.
    pub shutdown_grace_secs: u64,
    /// Hours a browser session lasts after sign-in.
    pub session_hours: u64,
    /// Mark the session cookie `Secure` (browsers then send it over HTTPS and to localhost
    /// only); turn off only for plain-HTTP deployments on a trusted network.
    pub cookie_secure: bool,
    /// Origins (e.g. `https://app.example.com`) allowed to call the REST API from a
    /// browser (CORS); empty: none.
    pub cors_origins: Vec<String>,
    /// OpenID Connect issuer URL for single sign-on; empty: off.
    pub oidc_issuer: String,
    /// Client id registered at the provider.
    pub oidc_client_id: String,
    /// Client secret (empty for a public client).
    pub oidc_client_secret: String,
    /// The callback URL registered at the provider: this server's
    /// `/api/v1/session/oidc/callback` as browsers reach it.
    pub oidc_redirect_url: String,
    /// Scopes asked for besides `openid`.
    pub oidc_scopes: Vec<String>,
    /// ID token claim that names the account made on a first sign-in.
    pub oidc_username_claim: String,
    /// Make accounts on first sign-in.
    pub oidc_create_users: bool,
    /// Link a first sign-in to an existing account of the same name.
    pub oidc_link_existing_users: bool,
    /// Refuse account passwords (devices then use app passwords).
    pub oidc_only: bool,
    /// Days deletions stay in the sync log; older sync tokens must resynchronize.
    pub sync_retention_days: u64,
    /// Days ahead recurring instances are materialised in the time index.
    pub index_horizon_days: u64,
    /// Most instances the time index holds per object.
    pub index_max_instances: usize,
    /// Most instances one query evaluates or expands per object.
    pub max_query_instances: usize,
    /// Log filter (tracing `EnvFilter` syntax), e.g. `info` or `kairos_dav=debug`.
    pub log: String,
    /// Log format: `text` or `json`.
    pub log_format: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8008".into(),
            role: Role::All,
            data_dir: PathBuf::from("./kairos-data"),
            database_url: String::new(),
            max_body_size: 10 * 1024 * 1024,
            max_resource_size: 1024 * 1024,
            db_max_connections: 8,
            db_statement_timeout_ms: 30_000,
            db_acquire_timeout_secs: 30,
            worker_batch: 8,
            concurrent_answers: kairos_core::CoreConfig::default().concurrent_answers,
            answer_cache_mb: 16,
            metrics: true,
            auth_cache_ttl_secs: 60,
            auth_max_failures: 10,
            auth_block_secs: 60,
            shutdown_grace_secs: 30,
            session_hours: 14 * 24,
            cookie_secure: true,
            cors_origins: Vec::new(),
            oidc_issuer: String::new(),
            oidc_client_id: String::new(),
            oidc_client_secret: String::new(),
            oidc_redirect_url: String::new(),
            oidc_scopes: vec!["profile".into(), "email".into()],
            oidc_username_claim: "preferred_username".into(),
            oidc_create_users: true,
            oidc_link_existing_users: false,
            oidc_only: false,
            sync_retention_days: 90,
            index_horizon_days: 732,
            index_max_instances: 2000,
            max_query_instances: 10_000,
            log: "info".into(),
            log_format: "text".into(),
        }
    }
}

/// Command-line values that override the other sources (only those given).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Overrides {
    /// `--listen`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// `--role`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// `--data-dir`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    /// `--database-url`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

impl Settings {
    /// Loads settings from the layers. A config file named explicitly must exist;
    /// `./kairos.toml` is read when present.
    pub fn load(config_file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Settings> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        match config_file {
            Some(path) => {
                anyhow::ensure!(path.exists(), "config file {} not found", path.display());
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("kairos.toml")),
        }
        let settings: Settings = figment
            .merge(Env::prefixed("KAIROS_").ignore(&["config"]))
            .merge(Serialized::defaults(overrides))
            .extract()?;
        if !settings.oidc_issuer.is_empty() {
            anyhow::ensure!(
                !settings.oidc_client_id.is_empty() && !settings.oidc_redirect_url.is_empty(),
                "oidc_issuer is set: oidc_client_id and oidc_redirect_url are needed too"
            );
        }
        Ok(settings)
    }

    /// The database URL in force.
    pub fn database_url(&self) -> anyhow::Result<String> {
        if self.database_url.is_empty() {
            Ok(kairos_store_sql::sqlite_url_for_dir(&self.data_dir)?)
        } else {
            Ok(self.database_url.clone())
        }
    }

    /// Core service settings.
    pub fn core(&self) -> kairos_core::CoreConfig {
        let mut core = kairos_core::CoreConfig {
            max_resource_size: self.max_resource_size,
            ..kairos_core::CoreConfig::default()
        };
        core.auth.cache_ttl = Duration::from_secs(self.auth_cache_ttl_secs);
        core.auth.max_failures = self.auth_max_failures.max(1);
        core.auth.block_duration = Duration::from_secs(self.auth_block_secs);
        core.sync_retention = Duration::from_secs(self.sync_retention_days.saturating_mul(86_400));
        core.time_index.horizon =
            Duration::from_secs(self.index_horizon_days.max(1).saturating_mul(86_400));
        core.time_index.max_instances = self.index_max_instances.max(1);
        core.max_query_instances = self.max_query_instances.max(1);
        core.worker.batch = self.worker_batch.max(1);
        core.concurrent_answers = self.concurrent_answers;
        core.cache.answer_bytes = self.answer_cache_mb.saturating_mul(1024 * 1024);
        core.auth.session_lifetime = Duration::from_secs(self.session_hours.max(1) * 3600);
        core.auth.oidc = (!self.oidc_issuer.is_empty()).then(|| kairos_core::auth::OidcConfig {
            issuer: self.oidc_issuer.clone(),
            client_id: self.oidc_client_id.clone(),
            client_secret: (!self.oidc_client_secret.is_empty())
                .then(|| self.oidc_client_secret.clone()),
            redirect_url: self.oidc_redirect_url.clone(),
            scopes: self.oidc_scopes.clone(),
            username_claim: self.oidc_username_claim.clone(),
            create_users: self.oidc_create_users,
            link_existing_users: self.oidc_link_existing_users,
            only: self.oidc_only,
        });
        core
    }
}

/// The settings table printed by `kairos serve --help`.
pub const SETTINGS_HELP: &str = "\
Settings (TOML key = environment variable, default):
  listen              KAIROS_LISTEN               127.0.0.1:8008
  role                KAIROS_ROLE                 all (or front: requests only; worker: jobs only)
  data_dir            KAIROS_DATA_DIR             ./kairos-data
  database_url        KAIROS_DATABASE_URL         (SQLite in data_dir)
  max_body_size       KAIROS_MAX_BODY_SIZE        10485760 bytes
  max_resource_size   KAIROS_MAX_RESOURCE_SIZE    1048576 bytes
  db_max_connections  KAIROS_DB_MAX_CONNECTIONS   8
  db_statement_timeout_ms KAIROS_DB_STATEMENT_TIMEOUT_MS 30000 (PostgreSQL; 0: none)
  db_acquire_timeout_secs KAIROS_DB_ACQUIRE_TIMEOUT_SECS 30
  worker_batch        KAIROS_WORKER_BATCH         8 (jobs run at once by a worker)
  concurrent_answers  KAIROS_CONCURRENT_ANSWERS   2 per core (REPORT/Depth 1 PROPFIND answers at once; 0: no limit)
  answer_cache_mb     KAIROS_ANSWER_CACHE_MB      16 (report answers kept while their calendar is unchanged; 0: off)
  metrics             KAIROS_METRICS              true (Prometheus text at /metrics)
  auth_cache_ttl_secs KAIROS_AUTH_CACHE_TTL_SECS  60
  auth_max_failures   KAIROS_AUTH_MAX_FAILURES    10
  auth_block_secs     KAIROS_AUTH_BLOCK_SECS      60
  shutdown_grace_secs KAIROS_SHUTDOWN_GRACE_SECS  30
  session_hours       KAIROS_SESSION_HOURS        336 (browser sign-in lifetime)
  cookie_secure       KAIROS_COOKIE_SECURE        true (false only for plain HTTP off localhost)
  cors_origins        KAIROS_CORS_ORIGINS         [] (origins allowed to call the REST API from browsers)
  oidc_issuer         KAIROS_OIDC_ISSUER          (empty: no single sign-on)
  oidc_client_id      KAIROS_OIDC_CLIENT_ID
  oidc_client_secret  KAIROS_OIDC_CLIENT_SECRET   (empty: public client, PKCE only)
  oidc_redirect_url   KAIROS_OIDC_REDIRECT_URL    https://HOST/api/v1/session/oidc/callback
  oidc_scopes         KAIROS_OIDC_SCOPES          [profile, email] (besides openid)
  oidc_username_claim KAIROS_OIDC_USERNAME_CLAIM  preferred_username (names new accounts)
  oidc_create_users   KAIROS_OIDC_CREATE_USERS    true (make an account on first sign-in)
  oidc_link_existing_users KAIROS_OIDC_LINK_EXISTING_USERS false (trust the claim for old accounts)
  oidc_only           KAIROS_OIDC_ONLY            false (refuse account passwords; app passwords work)
  sync_retention_days KAIROS_SYNC_RETENTION_DAYS  90
  index_horizon_days  KAIROS_INDEX_HORIZON_DAYS   732 (recurring instances indexed ahead)
  index_max_instances KAIROS_INDEX_MAX_INSTANCES  2000 (per object; later ones evaluated)
  max_query_instances KAIROS_MAX_QUERY_INSTANCES  10000 (per object and query)
  log                 KAIROS_LOG                  info
  log_format          KAIROS_LOG_FORMAT           text (or json)
Sources, later ones winning: defaults, the TOML file (--config, or ./kairos.toml if present),
KAIROS_* environment variables, command-line flags.";

#[cfg(test)]
// figment's Jail closures return figment's (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn layers_override_in_order() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "k.toml",
                "listen = \"127.0.0.1:1\"\nlog = \"debug\"\nmax_body_size = 5\n",
            )?;
            jail.set_env("KAIROS_LOG", "warn");
            jail.set_env("KAIROS_MAX_BODY_SIZE", "7");
            let s = Settings::load(
                Some(Path::new("k.toml")),
                &Overrides {
                    listen: Some("127.0.0.1:2".into()),
                    ..Overrides::default()
                },
            )
            .map_err(|e| e.to_string())?;
            assert_eq!(s.listen, "127.0.0.1:2");
            assert_eq!(s.log, "warn");
            assert_eq!(s.max_body_size, 7);
            assert_eq!(s.data_dir, PathBuf::from("./kairos-data"));
            Ok(())
        });
    }

    #[test]
    fn unknown_keys_are_errors() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("k.toml", "lisen = \"x\"\n")?;
            assert!(Settings::load(Some(Path::new("k.toml")), &Overrides::default()).is_err());
            Ok(())
        });
    }
}
