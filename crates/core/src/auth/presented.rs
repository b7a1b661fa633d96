//! Reading what a client presents in an `Authorization` header, for every front-end.

use std::net::IpAddr;

use base64::Engine as _;

use crate::access::Principal;
use crate::{CoreError, CoreResult, Kairos};

/// Credentials as a client presented them.
#[derive(Clone, PartialEq, Eq)]
pub enum Presented {
    /// HTTP Basic: a user name and a password or app password.
    Basic {
        /// Login name.
        user: String,
        /// Account password or app password.
        password: String,
    },
    /// `Bearer` with an API token or app password.
    Bearer(String),
}

// Never print secrets, not even in debug logs.
impl std::fmt::Debug for Presented {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Presented::Basic { user, .. } => write!(f, "Basic({user}, …)"),
            Presented::Bearer(_) => f.write_str("Bearer(…)"),
        }
    }
}

impl Presented {
    /// Parses an `Authorization` header value; `None` for other schemes or garbage.
    pub fn from_authorization(value: &str) -> Option<Presented> {
        let (scheme, rest) = value.trim().split_once(' ')?;
        let rest = rest.trim();
        if scheme.eq_ignore_ascii_case("basic") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(rest)
                .ok()?;
            let text = String::from_utf8(decoded).ok()?;
            let (user, password) = text.split_once(':')?;
            Some(Presented::Basic {
                user: user.to_owned(),
                password: password.to_owned(),
            })
        } else if scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty() {
            Some(Presented::Bearer(rest.to_owned()))
        } else {
            None
        }
    }
}

impl Kairos {
    /// Signs in with whatever the client presented.
    pub async fn authenticate(
        &self,
        presented: &Presented,
        client: Option<IpAddr>,
    ) -> CoreResult<Principal> {
        match presented {
            Presented::Basic { user, password } => {
                self.authenticate_password(user, password, client).await
            }
            Presented::Bearer(secret) => self.authenticate_secret(secret, None, client).await,
        }
    }
}

/// Shorthand for front-ends: no usable header means "sign in first".
pub fn presented_or_unauthenticated(value: Option<&str>) -> CoreResult<Presented> {
    value
        .and_then(Presented::from_authorization)
        .ok_or(CoreError::Unauthenticated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_basic_and_bearer() {
        // "alice:pa:ss": the password may contain colons.
        assert_eq!(
            Presented::from_authorization("Basic YWxpY2U6cGE6c3M="),
            Some(Presented::Basic {
                user: "alice".into(),
                password: "pa:ss".into()
            })
        );
        assert_eq!(
            Presented::from_authorization("bearer  kairos_abc "),
            Some(Presented::Bearer("kairos_abc".into()))
        );
    }

    #[test]
    fn refuses_other_schemes_and_garbage() {
        for bad in [
            "Digest x",
            "Basic !!!",
            "Basic YWxpY2U=",
            "Bearer",
            "Bearer  ",
            "",
        ] {
            assert_eq!(Presented::from_authorization(bad), None, "{bad:?}");
        }
        let shown = format!("{:?}", Presented::Bearer("kairos_secret".into()));
        assert!(!shown.contains("secret"));
    }
}
