//! User administration (the `kairos user` commands; later the admin API).

use kairos_store::{StoreError, User, UserId, new_id};

use crate::auth::hash_password;
use crate::{CoreError, CoreResult, Kairos, now_ms};

/// Proof of administrative authority. The command line holds it by being run by the
/// operator on the server's own store; network front-ends never construct one.
#[derive(Clone, Copy, Debug)]
pub struct Admin(());

impl Admin {
    /// The operator running the command-line tool.
    pub fn local_operator() -> Self {
        Admin(())
    }
}

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;

/// Checks that a user name is usable as a URL path segment and a login: 1–64 characters
/// of letters, digits, `.`, `_`, `-`, `@`, not starting with `.`.
pub fn validate_user_name(name: &str) -> CoreResult<()> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if name.is_empty() || name.len() > 64 || !ok_chars || name.starts_with('.') {
        return Err(CoreError::Invalid(
            "user names are 1-64 characters of letters, digits, '.', '_', '-', '@' and do not start with '.'"
                .into(),
        ));
    }
    Ok(())
}

fn validate_password(password: &str) -> CoreResult<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(CoreError::Invalid(format!(
            "passwords have at least {MIN_PASSWORD_LEN} characters"
        )));
    }
    Ok(())
}

async fn hash_off_thread(password: &str) -> CoreResult<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| CoreError::Internal(format!("hashing task failed: {e}")))?
}

impl Kairos {
    /// Creates a user.
    pub async fn add_user(&self, _: Admin, name: &str, password: &str) -> CoreResult<User> {
        validate_user_name(name)?;
        validate_password(password)?;
        let user = User {
            id: UserId(new_id()),
            name: name.to_owned(),
            password_hash: hash_off_thread(password).await?,
            created_at: now_ms(),
        };
        let mut tx = self.store.begin().await?;
        match tx.insert_user(&user).await {
            Err(StoreError::Conflict(_)) => return Err(CoreError::AlreadyExists),
            other => other?,
        }
        tx.commit().await?;
        Ok(user)
    }

    /// Every user, by name.
    pub async fn list_users(&self, _: Admin) -> CoreResult<Vec<User>> {
        Ok(self.store.list_users().await?)
    }

    /// Replaces a user's password; cached sign-ins of the user stop working at once.
    pub async fn set_password(&self, _: Admin, name: &str, password: &str) -> CoreResult<()> {
        validate_password(password)?;
        let user = self
            .store
            .user_by_name(name)
            .await?
            .ok_or(CoreError::NotFound)?;
        let hash = hash_off_thread(password).await?;
        let mut tx = self.store.begin().await?;
        if !tx.set_password_hash(user.id, &hash).await? {
            return Err(CoreError::NotFound);
        }
        // A new password signs every browser out; app passwords and tokens stay (they are
        // revoked one by one).
        tx.delete_sessions_of(user.id).await?;
        tx.commit().await?;
        self.auth.forget_user(user.id);
        Ok(())
    }

    /// The operator acting as user `name` (e.g. minting a token for a script).
    pub async fn act_as(&self, _: Admin, name: &str) -> CoreResult<crate::Principal> {
        let user = self
            .store
            .user_by_name(name)
            .await?
            .ok_or(CoreError::NotFound)?;
        let principal = crate::Principal::new(user.id, user.name);
        self.ensure_home(&principal).await?;
        Ok(principal)
    }

    /// Removes a user and everything they own.
    pub async fn remove_user(&self, _: Admin, name: &str) -> CoreResult<()> {
        let user = self
            .store
            .user_by_name(name)
            .await?
            .ok_or(CoreError::NotFound)?;
        let mut tx = self.store.begin().await?;
        if !tx.delete_user(user.id).await? {
            return Err(CoreError::NotFound);
        }
        tx.commit().await?;
        self.auth.forget_user(user.id);
        self.homes.remove(user.id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names() {
        for ok in ["alice", "bob.smith", "a_b-c", "x@example.org", "A1"] {
            assert!(validate_user_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".hidden", "a/b", "a b", "ä", &"x".repeat(65), "a%2Fb"] {
            assert!(validate_user_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(validate_password("short").is_err());
        assert!(validate_password("long enough").is_ok());
    }
}
