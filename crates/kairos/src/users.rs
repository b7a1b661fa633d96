//! `kairos user …` commands.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use kairos_core::Kairos;
use kairos_core::users::Admin;
use kairos_store::{CredentialId, CredentialKind, Scope};

use crate::cli::{KindArg, ScopeArg, TokenCommand, UserCommand};

/// Reads a password from stdin (one line) or asks twice on the terminal.
fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password: ")?;
    let second = rpassword::prompt_password("Repeat password: ")?;
    if first != second {
        bail!("the passwords differ");
    }
    Ok(first)
}

/// Runs one user command.
pub async fn run(core: &Kairos, command: UserCommand) -> anyhow::Result<()> {
    let admin = Admin::local_operator();
    match command {
        UserCommand::Add {
            name,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            core.add_user(admin, &name, &password)
                .await
                .with_context(|| format!("adding user {name}"))?;
            println!("user {name} added");
        }
        UserCommand::List => {
            for user in core.list_users(admin).await? {
                let created = jiff::Timestamp::from_millisecond(user.created_at)
                    .map(|t| t.to_string())
                    .unwrap_or_default();
                println!("{}\t{}", user.name, created);
            }
        }
        UserCommand::Passwd {
            name,
            password_stdin,
        } => {
            let password = read_password(password_stdin)?;
            core.set_password(admin, &name, &password)
                .await
                .with_context(|| format!("changing the password of {name}"))?;
            println!("password of {name} changed");
        }
        UserCommand::Remove { name } => {
            core.remove_user(admin, &name)
                .await
                .with_context(|| format!("removing user {name}"))?;
            println!("user {name} removed");
        }
    }
    Ok(())
}

fn time_text(ms: Option<i64>) -> String {
    ms.and_then(|t| jiff::Timestamp::from_millisecond(t).ok())
        .map_or_else(|| "-".to_owned(), |t| t.to_string())
}

/// Runs one token command.
pub async fn run_token(core: &Kairos, command: TokenCommand) -> anyhow::Result<()> {
    let admin = Admin::local_operator();
    match command {
        TokenCommand::Create {
            name,
            scope,
            label,
            kind,
            calendar,
            expires_days,
        } => {
            let principal = core
                .act_as(admin, &name)
                .await
                .with_context(|| format!("finding user {name}"))?;
            let new = kairos_core::auth::NewCredential {
                kind: match kind {
                    KindArg::Token => CredentialKind::ApiToken,
                    KindArg::AppPassword => CredentialKind::AppPassword,
                },
                name: label,
                scope: match scope {
                    ScopeArg::ReadOnly => Scope::ReadOnly,
                    ScopeArg::ReadWrite => Scope::ReadWrite,
                },
                calendar,
                expires_in: expires_days
                    .map(|d| std::time::Duration::from_secs(u64::from(d) * 86_400)),
            };
            let minted = core
                .create_credential(&principal, new)
                .await
                .context("creating the token")?;
            // The secret alone, so scripts can capture it: TOKEN=$(kairos token create …)
            println!("{}", minted.secret);
        }
        TokenCommand::List { name } => {
            let principal = core.act_as(admin, &name).await?;
            for c in core.credentials(&principal).await? {
                let kind = match c.kind {
                    CredentialKind::ApiToken => "token",
                    CredentialKind::AppPassword => "app-password",
                };
                let scope = match c.scope {
                    Scope::ReadOnly => "read-only",
                    Scope::ReadWrite => "read-write",
                };
                println!(
                    "{}\t{kind}\t{scope}\t{}\tcreated {}\tlast used {}\texpires {}",
                    c.id,
                    c.name,
                    time_text(Some(c.created_at)),
                    time_text(c.last_used_at),
                    time_text(c.expires_at)
                );
            }
        }
        TokenCommand::Revoke { name, id } => {
            let principal = core.act_as(admin, &name).await?;
            core.revoke_credential(&principal, CredentialId(id))
                .await
                .context("revoking the token")?;
            println!("token {id} revoked");
        }
    }
    Ok(())
}
