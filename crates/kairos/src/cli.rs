//! Command-line interface.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::settings::{Overrides, SETTINGS_HELP, Settings};

/// Kairos: a CalDAV calendar server.
#[derive(Debug, Parser)]
#[command(name = "kairos", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command understands.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// TOML settings file (default: ./kairos.toml when present).
    #[arg(long, global = true, env = "KAIROS_CONFIG")]
    pub config: Option<PathBuf>,
    /// Directory for the embedded database.
    #[arg(long, global = true, env = "KAIROS_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL (sqlite://… or postgres://…); overrides --data-dir.
    #[arg(long, global = true, env = "KAIROS_DATABASE_URL")]
    pub database_url: Option<String>,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    #[command(after_long_help = SETTINGS_HELP, after_help = SETTINGS_HELP)]
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "KAIROS_LISTEN")]
        listen: Option<String>,
        /// What this process does: all (default), front (requests) or worker (jobs).
        #[arg(long, env = "KAIROS_ROLE", value_enum)]
        role: Option<crate::settings::Role>,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage a user's API tokens and app passwords.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Write every user, collection, property and object to a file (to move a deployment
    /// to another database; `kairos import` reads it).
    Export {
        /// The file to create (never replaced), or `-` for standard output.
        file: PathBuf,
    },
    /// Read a `kairos export` file into this database: all of it, or on any error nothing.
    /// Refused when a user in the file already exists here.
    Import {
        /// The export file, or `-` for standard input.
        file: PathBuf,
    },
}

/// `kairos user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user (password from a prompt, or from stdin with --password-stdin).
    Add {
        /// Login name.
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Change a user's password.
    Passwd {
        /// Login name.
        name: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove a user and all their data.
    Remove {
        /// Login name.
        name: String,
    },
}

/// Read-only or read-write, on the command line.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ScopeArg {
    /// Reads only.
    ReadOnly,
    /// Reads and writes.
    ReadWrite,
}

/// Token or app password, on the command line.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum KindArg {
    /// A Bearer token for the REST API (also accepted as a DAV password).
    Token,
    /// A password for one DAV client (also accepted as a Bearer token).
    AppPassword,
}

/// `kairos token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Mint a token for user NAME and print its secret alone on standard output.
    Create {
        /// The user the token acts as.
        name: String,
        /// What it may do.
        #[arg(long, value_enum, default_value = "read-write")]
        scope: ScopeArg,
        /// A label for the token.
        #[arg(long, default_value = "command line")]
        label: String,
        /// Token (default) or app password.
        #[arg(long, value_enum, default_value = "token")]
        kind: KindArg,
        /// Limit it to this calendar (its path in the user's home, e.g. `default`).
        #[arg(long)]
        calendar: Option<String>,
        /// Make it stop working after this many days.
        #[arg(long)]
        expires_days: Option<u32>,
    },
    /// List a user's tokens and app passwords (never their secrets).
    List {
        /// The user.
        name: String,
    },
    /// Revoke one of a user's tokens by id.
    Revoke {
        /// The user.
        name: String,
        /// The token's id (from `kairos token list`).
        id: uuid::Uuid,
    },
}

/// Opens the store named by the settings, migrated.
pub async fn open_store(settings: &Settings) -> anyhow::Result<kairos_store_sql::SqlStore> {
    let url = settings.database_url()?;
    let mut config = kairos_store_sql::StoreConfig::new(url);
    config.max_connections = settings.db_max_connections;
    config.statement_timeout = (settings.db_statement_timeout_ms > 0)
        .then(|| std::time::Duration::from_millis(settings.db_statement_timeout_ms));
    config.acquire_timeout =
        std::time::Duration::from_secs(settings.db_acquire_timeout_secs.max(1));
    let store = kairos_store_sql::SqlStore::connect(&config)
        .await
        .context("opening the database")?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let (listen, role) = match &cli.command {
        Command::Serve { listen, role } => (listen.clone(), *role),
        _ => (None, None),
    };
    let overrides = Overrides {
        listen,
        role,
        data_dir: cli.global.data_dir.clone(),
        database_url: cli.global.database_url.clone(),
    };
    let settings = Settings::load(cli.global.config.as_deref(), &overrides)?;
    match cli.command {
        Command::Serve { .. } => crate::serve::serve(settings).await,
        Command::Migrate => {
            open_store(&settings).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::User { command } => {
            let store = open_store(&settings).await?;
            let core = kairos_core::Kairos::new(Arc::new(store), settings.core());
            crate::users::run(&core, command).await
        }
        Command::Token { command } => {
            let store = open_store(&settings).await?;
            let core = kairos_core::Kairos::new(Arc::new(store), settings.core());
            crate::users::run_token(&core, command).await
        }
        Command::Export { file } => {
            let store = open_store(&settings).await?;
            let core = kairos_core::Kairos::new(Arc::new(store.clone()), settings.core());
            let result = crate::moving::export(&core, &file).await;
            store.close().await;
            result
        }
        Command::Import { file } => {
            let store = open_store(&settings).await?;
            let core = kairos_core::Kairos::new(Arc::new(store.clone()), settings.core());
            let result = crate::moving::import(&core, &file).await;
            store.close().await;
            result
        }
    }
}
