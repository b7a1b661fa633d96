//! Request-rate limits on the endpoints that create sign-ins and secrets, whatever their
//! outcome (failed sign-ins are throttled separately, by `FailureThrottle`): each
//! successful sign-in writes a session, each begun single sign-on a pending row, each
//! minted credential a secret, so their rate is bounded per client or per user.

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use kairos_store::UserId;

use crate::{CoreError, CoreResult};

/// Keys remembered before idle ones are dropped.
const MAX_KEYS: usize = 10_000;

fn quota(per_minute: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(rate).allow_burst(burst)
}

/// The limits shared by every request of this process.
pub(crate) struct RequestLimits {
    sign_in: DefaultKeyedRateLimiter<String>,
    minting: DefaultKeyedRateLimiter<String>,
}

impl RequestLimits {
    pub(crate) fn new() -> RequestLimits {
        RequestLimits {
            // A person signs in a few times a day; a page reload storm stays well under.
            sign_in: RateLimiter::keyed(quota(30, 10)),
            // Tokens and app passwords are made by hand.
            minting: RateLimiter::keyed(quota(10, 10)),
        }
    }

    fn check(limiter: &DefaultKeyedRateLimiter<String>, key: String) -> CoreResult<()> {
        if limiter.len() > MAX_KEYS {
            limiter.retain_recent();
        }
        limiter.check_key(&key).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            CoreError::RateLimited(wait.as_secs().max(1))
        })
    }

    /// A sign-in attempt (password or single sign-on) from `client`.
    pub(crate) fn sign_in(&self, client: Option<IpAddr>) -> CoreResult<()> {
        let key = client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        Self::check(&self.sign_in, key)
    }

    /// A credential minted by `user`.
    pub(crate) fn minting(&self, user: UserId) -> CoreResult<()> {
        Self::check(&self.minting, user.0.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refuses_per_key() {
        let limits = RequestLimits::new();
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..10 {
            limits.sign_in(Some(a)).unwrap();
        }
        assert!(matches!(
            limits.sign_in(Some(a)),
            Err(CoreError::RateLimited(s)) if s >= 1
        ));
        limits.sign_in(Some(b)).unwrap();
    }
}
