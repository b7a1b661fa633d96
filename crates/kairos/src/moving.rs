//! `kairos export` and `kairos import`: a whole deployment to a file and back, with
//! progress bars on a terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kairos_core::Kairos;
use kairos_core::moving::{MoveCounts, MoveProgress};
use kairos_core::users::Admin;
use tokio::io::{BufReader, BufWriter};

/// Read and write buffers: large enough that a big deployment is not moved in tiny
/// system calls.
const BUFFER: usize = 1 << 20;

/// Draws one bar on stderr: objects for an export, bytes of the file for an import.
struct Bar {
    bar: ProgressBar,
    counts_bytes: bool,
}

impl Bar {
    fn new(verb: &str, length: Option<u64>, counts_bytes: bool) -> Bar {
        // Hidden, not garbled, when stderr goes to a file or a pipe.
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let amount = match (counts_bytes, length.is_some()) {
            (true, true) => "{bytes}/{total_bytes}",
            (true, false) => "{bytes}",
            (false, _) => "{pos}/{len} objects",
        };
        let template =
            format!("{{spinner}} {verb} {{msg}} [{{bar:30}}] {amount} ({{elapsed}}, eta {{eta}})");
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(length, target).with_style(style);
        Bar { bar, counts_bytes }
    }
}

impl MoveProgress for Bar {
    fn objects_expected(&self, total: u64) {
        if !self.counts_bytes {
            self.bar.set_length(total);
        }
    }

    fn user(&self, name: &str) {
        self.bar.set_message(name.to_owned());
    }

    fn object(&self) {
        if !self.counts_bytes {
            self.bar.inc(1);
        }
    }

    fn bytes_read(&self, bytes: u64) {
        if self.counts_bytes {
            self.bar.inc(bytes);
        }
    }
}

fn summary(counts: &MoveCounts) -> String {
    format!(
        "{} users, {} collections, {} objects, {} properties",
        counts.users, counts.collections, counts.objects, counts.properties
    )
}

fn is_stdio(file: &Path) -> bool {
    file.as_os_str() == "-"
}

/// `kairos export FILE`: writes to `FILE.partial` and renames it when complete, so a
/// failed export never leaves a file that looks finished. Refuses to replace a file.
pub async fn export(core: &Kairos, file: &Path) -> anyhow::Result<()> {
    let bar = Bar::new("exporting", None, false);
    if is_stdio(file) {
        let mut out = BufWriter::with_capacity(BUFFER, tokio::io::stdout());
        let result = core
            .export_deployment(Admin::local_operator(), &mut out, &bar)
            .await;
        bar.bar.finish_and_clear();
        let counts = result.context("exporting to standard output")?;
        eprintln!("exported {}", summary(&counts));
        return Ok(());
    }
    if tokio::fs::try_exists(file).await.unwrap_or(true) {
        bail!(
            "{} already exists (or cannot be checked); choose another name",
            file.display()
        );
    }
    let partial = partial_path(file);
    let handle = create_private(&partial)
        .await
        .with_context(|| format!("creating {}", partial.display()))?;
    let mut out = BufWriter::with_capacity(BUFFER, handle);
    let result = core
        .export_deployment(Admin::local_operator(), &mut out, &bar)
        .await;
    bar.bar.finish_and_clear();
    let written = match result {
        Ok(counts) => out
            .into_inner()
            .sync_all()
            .await
            .map(|()| counts)
            .map_err(Into::into),
        Err(e) => Err(anyhow::Error::from(e)),
    };
    let counts = match written {
        Ok(counts) => counts,
        Err(e) => {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(e).with_context(|| format!("exporting to {}", file.display()));
        }
    };
    tokio::fs::rename(&partial, file)
        .await
        .with_context(|| format!("renaming {} to {}", partial.display(), file.display()))?;
    eprintln!("exported {} to {}", summary(&counts), file.display());
    Ok(())
}

/// `FILE.partial` beside `FILE`.
fn partial_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Creates a new file readable by its owner only: an export holds password hashes and
/// every calendar.
async fn create_private(path: &Path) -> std::io::Result<tokio::fs::File> {
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path).await
}

/// `kairos import FILE`: all or nothing, in one transaction.
pub async fn import(core: &Kairos, file: &Path) -> anyhow::Result<()> {
    let counts = if is_stdio(file) {
        let bar = Bar::new("importing", None, true);
        let mut input = BufReader::with_capacity(BUFFER, tokio::io::stdin());
        let result = core
            .import_deployment(Admin::local_operator(), &mut input, &bar)
            .await;
        bar.bar.finish_and_clear();
        result.context("importing from standard input; nothing was imported")?
    } else {
        let handle = tokio::fs::File::open(file)
            .await
            .with_context(|| format!("opening {}", file.display()))?;
        let length = handle.metadata().await.ok().map(|m| m.len());
        let bar = Bar::new("importing", length, true);
        let mut input = BufReader::with_capacity(BUFFER, handle);
        let result = core
            .import_deployment(Admin::local_operator(), &mut input, &bar)
            .await;
        bar.bar.finish_and_clear();
        result.with_context(|| format!("importing {}; nothing was imported", file.display()))?
    };
    eprintln!("imported {}", summary(&counts));
    Ok(())
}
