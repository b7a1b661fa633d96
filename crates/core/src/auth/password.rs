//! Password hashing with argon2id (PHC strings), run off the async threads.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version, password_hash::rand_core::OsRng};

use crate::{CoreError, CoreResult};

/// Memory of one hash, in KiB (7 MiB), with [`PASSES`] passes and one lane.
///
/// OWASP's password storage cheat sheet lists m = 19 MiB, t = 2 and m = 7 MiB, t = 5 (both
/// p = 1) among configurations of equal strength: the second trades memory for passes.
/// Why the second: a check runs whenever a credential's 60 s verification cache runs
/// out, and its memory adds to the process's peak; the 19 MiB of the crate's defaults
/// took a server holding the `medium` bench set from about 90 MB to 104 MB.
const MEMORY_KIB: u32 = 7 * 1024;

/// Passes over that memory.
const PASSES: u32 = 5;

/// Lanes (parallelism).
const LANES: u32 = 1;

/// Hashes a password with argon2id and a random salt (m = 7 MiB, t = 5, p = 1). Hashes
/// made with other parameters (earlier versions used m = 19 MiB, t = 2) still verify:
/// the parameters are part of the stored string.
pub fn hash_password(password: &str) -> CoreResult<String> {
    let failed =
        |e: &dyn std::fmt::Display| CoreError::Internal(format!("password hashing failed: {e}"));
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).map_err(|e| failed(&e))?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| failed(&e))
}

/// Whether a stored hash was made with other parameters than [`hash_password`] uses now
/// (an earlier version's m = 19 MiB, t = 2, say): it is replaced at the next sign-in.
pub fn needs_rehash(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let current = |name: &str, want: u32| {
        parsed
            .params
            .get_decimal(name)
            .is_some_and(|got| got == want)
    };
    parsed.algorithm.as_str() != "argon2id"
        || parsed.version != Some(Version::V0x13 as u32)
        || !current("m", MEMORY_KIB)
        || !current("t", PASSES)
        || !current("p", LANES)
}

/// Checks a password against a stored PHC hash. A malformed stored hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("correct horse", "not a phc string"));
    }

    #[test]
    fn new_hashes_use_seven_mib_and_old_ones_still_verify() {
        let h = hash_password("pw").unwrap();
        assert!(h.contains("$m=7168,t=5,p=1$"), "{h}");
        // A hash of an earlier version, with the crate's defaults (m = 19 MiB, t = 2).
        let salt = SaltString::generate(&mut OsRng);
        let old = Argon2::default()
            .hash_password(b"pw", &salt)
            .unwrap()
            .to_string();
        assert!(old.contains("$m=19456,t=2,p=1$"), "{old}");
        assert!(verify_password("pw", &old));
        assert!(!verify_password("pv", &old));
        assert!(needs_rehash(&old));
        assert!(!needs_rehash(&h));
        // Not ours to judge: nothing verifies against it anyway.
        assert!(!needs_rehash("not a phc string"));
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::default())
            .hash_password(b"pw", &salt)
            .unwrap()
            .to_string();
        assert!(needs_rehash(&argon2i));
    }
}
