//! Settings of core services (the binary fills them from its configuration).

use std::time::Duration;

/// Settings of core services.
#[derive(Clone, Debug)]
pub struct CoreConfig {
    /// Largest calendar object resource accepted (CALDAV:max-resource-size), in bytes.
    pub max_resource_size: usize,
    /// Authentication settings.
    pub auth: AuthConfig,
    /// Path segment of the calendar created in a new user's home.
    pub default_calendar: String,
    /// Display name of that calendar.
    pub default_calendar_name: String,
    /// How long deletions stay in the sync change log.
    pub sync_retention: Duration,
    /// Budgets of the listing and body caches.
    pub cache: crate::CacheLimits,
    /// Reach of the instance index.
    pub time_index: crate::TimeIndexConfig,
    /// Most instances one query evaluates per object (expansion cap).
    pub max_query_instances: usize,
    /// How background job workers behave.
    pub worker: crate::WorkerConfig,
    /// Large answers (REPORT, PROPFIND Depth 1) built and sent at once; more wait their
    /// turn. 0: no limit.
    pub concurrent_answers: usize,
}

impl Default for CoreConfig {
    fn default() -> Self {
        CoreConfig {
            max_resource_size: 1024 * 1024,
            auth: AuthConfig::default(),
            default_calendar: "default".into(),
            default_calendar_name: "Calendar".into(),
            sync_retention: Duration::from_secs(90 * 24 * 3600),
            cache: crate::CacheLimits::default(),
            time_index: crate::TimeIndexConfig::default(),
            max_query_instances: 10_000,
            worker: crate::WorkerConfig::default(),
            concurrent_answers: crate::turns::default_at_once(),
        }
    }
}

/// Authentication settings.
#[derive(Clone, Debug)]
pub struct AuthConfig {
    /// How long a verified credential is trusted without re-checking the hash.
    pub cache_ttl: Duration,
    /// Failed attempts (per user name or client address) before blocking.
    pub max_failures: u32,
    /// Window in which failures are counted.
    pub failure_window: Duration,
    /// How long a blocked key is refused.
    pub block_duration: Duration,
    /// Password hash checks allowed to run at once.
    pub max_concurrent_verifications: usize,
    /// How long a browser session lasts after sign-in.
    pub session_lifetime: Duration,
    /// Single sign-on through an OpenID Connect provider, if configured.
    pub oidc: Option<crate::auth::OidcConfig>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            cache_ttl: Duration::from_secs(60),
            max_failures: 10,
            failure_window: Duration::from_secs(300),
            block_duration: Duration::from_secs(60),
            max_concurrent_verifications: 2,
            session_lifetime: Duration::from_secs(14 * 24 * 3600),
            oidc: None,
        }
    }
}
