//! Single sign-on with OpenID Connect: the authorization code flow with PKCE (S256), a
//! nonce and a single-use `state`, all kept in the store so any node can finish a sign-in
//! another began. People are known by (issuer, subject); the configured claim only names
//! the account made on their first sign-in.

use std::time::{Duration, Instant};

use base64::Engine;
use kairos_store::{PendingSignIn, StoreError, User, UserId, new_id};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use tokio::sync::Mutex;

use crate::access::Principal;
use crate::auth::sessions::NewSession;
use crate::auth::tokens::secret_hash;
use crate::users::validate_user_name;
use crate::{CoreError, CoreResult, Kairos, now_ms};

/// How long a person has to come back from the provider.
const SIGN_IN_WINDOW: Duration = Duration::from_secs(600);
/// How long discovered provider metadata (endpoints, signing keys) is reused.
const METADATA_TTL: Duration = Duration::from_secs(600);
/// Longest wait for the provider on any one call.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// The password hash of accounts made by single sign-on: not a PHC string, so no
/// password ever matches it.
pub(crate) const NO_PASSWORD: &str = "!sso";

/// Settings of the OpenID Connect provider.
#[derive(Clone, Debug)]
pub struct OidcConfig {
    /// The issuer URL (discovery at `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    /// The client id registered at the provider.
    pub client_id: String,
    /// The client secret (absent for public clients, which rely on PKCE alone).
    pub client_secret: Option<String>,
    /// Where the provider sends people back: Kairos's `/api/v1/session/oidc/callback` as
    /// the browser reaches it.
    pub redirect_url: String,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The ID token claim that names a new account (`preferred_username`, `email`, …).
    pub username_claim: String,
    /// Make an account on first sign-in (otherwise only linked people get in).
    pub create_users: bool,
    /// Link a first sign-in to an existing account of the same name (only when the
    /// provider is trusted to assert local names).
    pub link_existing_users: bool,
    /// Refuse account passwords everywhere: people sign in through the provider, devices
    /// use app passwords.
    pub only: bool,
}

impl OidcConfig {
    /// The usual settings for a provider.
    pub fn new(issuer: &str, client_id: &str, redirect_url: &str) -> OidcConfig {
        OidcConfig {
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: None,
            redirect_url: redirect_url.to_owned(),
            scopes: vec!["profile".into(), "email".into()],
            username_claim: "preferred_username".into(),
            create_users: true,
            link_existing_users: false,
            only: false,
        }
    }
}

/// The provider connection: an HTTP client that never follows redirects (a provider must
/// not be able to point Kairos at other hosts) and the metadata last discovered.
pub(crate) struct Provider {
    http: openidconnect::reqwest::Client,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl Provider {
    pub(crate) fn new() -> CoreResult<Provider> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| CoreError::Internal(format!("HTTP client: {e}")))?;
        Ok(Provider {
            http,
            metadata: Mutex::new(None),
        })
    }
}

/// Where to send the browser to sign in.
#[derive(Clone, Debug)]
pub struct SignInStart {
    /// The provider's authorization URL for this sign-in.
    pub authorize_url: String,
}

/// A finished sign-in.
#[derive(Clone, Debug)]
pub struct SignInDone {
    /// The new session.
    pub session: NewSession,
    /// Local path to go to next.
    pub return_to: String,
}

fn upstream(what: &str, e: impl std::fmt::Display) -> CoreError {
    CoreError::Upstream(format!("{what}: {e}"))
}

/// A local path only (`/…`, never `//host` or `/\host`), so sign-in cannot be turned
/// into an open redirect.
pub fn local_path(path: Option<&str>) -> String {
    match path {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.len() <= 2000
                && !p.chars().any(char::is_control) =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// Claims as a JSON object.
type Claims = serde_json::Map<String, serde_json::Value>;

/// The claims of an ID token whose signature and claims were already verified (any claim
/// may name accounts, not only those openidconnect models).
fn claims_of(id_token: &str) -> Option<Claims> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The UserInfo claims (OpenID Connect Core §5.3), which must be about `subject`.
async fn user_info(
    provider: &Provider,
    url: &str,
    access_token: &str,
    subject: &str,
) -> CoreResult<Claims> {
    let answer = provider
        .http
        .get(url)
        .bearer_auth(access_token)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| upstream("userinfo", e))?;
    if !answer.status().is_success() {
        return Err(upstream("userinfo", answer.status()));
    }
    let claims: Claims = answer.json().await.map_err(|e| upstream("userinfo", e))?;
    if claims.get("sub").and_then(|s| s.as_str()) != Some(subject) {
        return Err(upstream("userinfo", "claims about another subject"));
    }
    Ok(claims)
}

impl Kairos {
    fn oidc(&self) -> CoreResult<&OidcConfig> {
        self.config
            .auth
            .oidc
            .as_ref()
            .ok_or(CoreError::NotAllowed("single sign-on is not configured"))
    }

    fn provider(&self) -> CoreResult<&Provider> {
        self.auth
            .provider
            .as_ref()
            .ok_or(CoreError::NotAllowed("single sign-on is not configured"))
    }

    async fn oidc_client(
        &self,
    ) -> CoreResult<(
        openidconnect::core::CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        &Provider,
        Option<String>,
    )> {
        let cfg = self.oidc()?;
        let provider = self.provider()?;
        let metadata = {
            let mut cached = provider.metadata.lock().await;
            match &*cached {
                Some((at, m)) if at.elapsed() < METADATA_TTL => m.clone(),
                _ => {
                    let issuer = IssuerUrl::new(cfg.issuer.clone())
                        .map_err(|e| CoreError::Internal(format!("OIDC issuer URL: {e}")))?;
                    let m = CoreProviderMetadata::discover_async(issuer, &provider.http)
                        .await
                        .map_err(|e| upstream("discovery", e))?;
                    *cached = Some((Instant::now(), m.clone()));
                    m
                }
            }
        };
        let userinfo = metadata.userinfo_endpoint().map(|u| u.url().to_string());
        let redirect = RedirectUrl::new(cfg.redirect_url.clone())
            .map_err(|e| CoreError::Internal(format!("OIDC redirect URL: {e}")))?;
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(cfg.client_id.clone()),
            cfg.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect);
        Ok((client, provider, userinfo))
    }

    /// Begins a single sign-on: remembers a fresh state, nonce and PKCE verifier and
    /// returns the provider URL to send the browser to. `return_to` must be a local path
    /// (anything else becomes `/`). Rate-limited per client address.
    pub async fn oidc_begin(
        &self,
        return_to: Option<&str>,
        client: Option<std::net::IpAddr>,
    ) -> CoreResult<SignInStart> {
        let cfg = self.oidc()?;
        self.auth.limits.sign_in(client)?;
        let (client, _, _) = self.oidc_client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &cfg.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.url();
        let now = now_ms();
        let window = i64::try_from(SIGN_IN_WINDOW.as_millis()).unwrap_or(i64::MAX);
        let pending = PendingSignIn {
            state_hash: secret_hash(state.secret()),
            pkce_verifier: verifier.secret().clone(),
            nonce: nonce.secret().clone(),
            return_to: local_path(return_to),
            expires_at: now.saturating_add(window),
        };
        let mut tx = self.store.begin().await?;
        tx.insert_pending_sign_in(&pending, now).await?;
        tx.commit().await?;
        Ok(SignInStart {
            authorize_url: url.to_string(),
        })
    }

    /// Finishes a single sign-on from the provider's callback: the state must be one this
    /// server issued and not yet used, the code is exchanged with the PKCE verifier, the ID
    /// token's signature, issuer, audience, expiry and nonce are checked, and the person is
    /// found by (issuer, subject) or, on a first sign-in, given an account. `iss` is the
    /// callback's issuer parameter (RFC 9207), checked when the provider sends it.
    pub async fn oidc_finish(
        &self,
        state: &str,
        code: &str,
        iss: Option<&str>,
    ) -> CoreResult<SignInDone> {
        let cfg = self.oidc()?;
        if iss.is_some_and(|i| i.trim_end_matches('/') != cfg.issuer.trim_end_matches('/')) {
            return Err(CoreError::SignInRefused(
                "the answer came from another issuer".into(),
            ));
        }
        let mut tx = self.store.begin().await?;
        let pending = tx
            .take_pending_sign_in(&secret_hash(state), now_ms())
            .await?;
        tx.commit().await?;
        let pending = pending.ok_or_else(|| {
            CoreError::SignInRefused("this sign-in link expired or was already used".into())
        })?;
        let (client, provider, userinfo) = self.oidc_client().await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| CoreError::Internal(format!("OIDC client: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&provider.http)
            .await
            .map_err(|e| CoreError::SignInRefused(format!("code exchange failed: {e}")))?;
        let id_token = tokens
            .id_token()
            .ok_or_else(|| upstream("token response", "no ID token"))?;
        let verifier = client.id_token_verifier();
        let claims = id_token
            .claims(&verifier, &Nonce::new(pending.nonce))
            .map_err(|e| CoreError::SignInRefused(format!("ID token rejected: {e}")))?;
        let subject = claims.subject().as_str().to_owned();
        let issuer = claims.issuer().as_str().to_owned();
        let principal = match self.store.identity_user(&issuer, &subject).await? {
            Some(id) => self.linked_principal(id).await?,
            None => {
                let mut asserted = claims_of(&id_token.to_string()).unwrap_or_default();
                if !asserted.contains_key(&cfg.username_claim)
                    && let Some(url) = userinfo
                {
                    // Conforming providers may keep profile claims out of the ID token.
                    let token = tokens.access_token().secret();
                    asserted = user_info(provider, &url, token, &subject).await?;
                }
                self.first_sign_in(cfg, &issuer, &subject, &asserted)
                    .await?
            }
        };
        self.ensure_home(&principal).await?;
        tracing::info!(user = principal.name(), %issuer, "single sign-on");
        Ok(SignInDone {
            session: self.session_for(principal).await?,
            return_to: pending.return_to,
        })
    }

    async fn linked_principal(&self, id: UserId) -> CoreResult<Principal> {
        let user = self
            .store
            .user_by_id(id)
            .await?
            .ok_or_else(|| CoreError::SignInRefused("the linked account is gone".into()))?;
        Ok(Principal::new(user.id, user.name))
    }

    /// The account for an identity seen for the first time.
    async fn first_sign_in(
        &self,
        cfg: &OidcConfig,
        issuer: &str,
        subject: &str,
        claims: &Claims,
    ) -> CoreResult<Principal> {
        let name = match claims.get(&cfg.username_claim) {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => {
                return Err(CoreError::SignInRefused(format!(
                    "the provider sent no '{}' claim to name the account",
                    cfg.username_claim
                )));
            }
        };
        if cfg.username_claim == "email"
            && claims.get("email_verified") != Some(&serde_json::Value::Bool(true))
        {
            return Err(CoreError::SignInRefused(
                "the provider has not verified this e-mail address".into(),
            ));
        }
        validate_user_name(&name).map_err(|_| {
            CoreError::SignInRefused(format!("'{name}' cannot be a Kairos user name"))
        })?;
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let user = match self.store.user_by_name(&name).await? {
            Some(existing) if cfg.link_existing_users => existing,
            Some(_) => {
                return Err(CoreError::SignInRefused(format!(
                    "an account named '{name}' exists and is not linked to this sign-in"
                )));
            }
            None if cfg.create_users => {
                let user = User {
                    id: UserId(new_id()),
                    name: name.clone(),
                    password_hash: NO_PASSWORD.to_owned(),
                    created_at: now,
                };
                tx.insert_user(&user).await.map_err(|e| match e {
                    StoreError::Conflict(_) => {
                        CoreError::Conflict(format!("account '{name}' was just made"))
                    }
                    other => other.into(),
                })?;
                user
            }
            None => {
                return Err(CoreError::SignInRefused(
                    "no account is linked to this sign-in; ask an administrator".into(),
                ));
            }
        };
        tx.link_identity(issuer, subject, user.id, now).await?;
        tx.commit().await?;
        Ok(Principal::new(user.id, user.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(
            local_path(Some("/calendar?view=week")),
            "/calendar?view=week"
        );
        for bad in [
            None,
            Some(""),
            Some("https://evil.example/"),
            Some("//evil.example/"),
            Some("/\\evil.example"),
            Some("/a\r\nSet-Cookie: x"),
        ] {
            assert_eq!(local_path(bad), "/", "{bad:?}");
        }
    }

    #[test]
    fn claims_come_from_the_token_payload() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"sub":"1","preferred_username":"ada","email_verified":true}"#);
        let claims = claims_of(&format!("h.{payload}.s")).unwrap();
        assert_eq!(claims["preferred_username"], "ada");
        assert_eq!(claims["email_verified"], true);
        assert!(!claims.contains_key("upn"));
        assert_eq!(claims_of("not a token"), None);
    }
}
