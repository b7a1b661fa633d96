//! `kairos user …` commands.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use kairos_core::Kairos;
use kairos_core::users::Admin;

use crate::cli::UserCommand;

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
