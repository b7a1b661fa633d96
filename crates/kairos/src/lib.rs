//! The `kairos` binary's building blocks, exposed so end-to-end tests drive the real
//! router: settings, the HTTP application, and the command line.

pub mod cli;
pub mod metrics;
mod moving;
pub mod serve;
pub mod settings;
mod users;
