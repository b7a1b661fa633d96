//! `kairos`: the calendar server and its administration commands.

use clap::Parser;

/// mimalloc instead of glibc malloc: in a profile of `expand` answers under load, glibc's
/// malloc/free took over a quarter of the CPU (per-thread arenas contending, heap
/// consolidation); measured with wrk in docs/benchmarks.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Allocator options read from the environment when the process starts:
/// - mimalloc's (Rust's allocations): with arenas committed eagerly (its default where
///   the OS overcommits), memory freed after a burst (argon2's 7 MiB per password check,
///   large answers) stayed resident; off, peak RSS over the benchmark scenarios went from
///   104–157 MB to 64–99 MB, throughput within the noise (docs/benchmarks.md).
/// - glibc's (SQLite allocates through the C library): one malloc arena per thread kept
///   what SQLite's connections freed after a burst of writes; re-indexing 13,000 objects
///   left 100 MB resident with the default, 72 MB with one arena.
///
/// An operator's own setting wins.
const ALLOCATOR_SETTINGS: [(&str, &str); 2] = [
    ("MIMALLOC_ARENA_EAGER_COMMIT", "0"),
    ("MALLOC_ARENA_MAX", "2"),
];

/// Runs this program again with [`ALLOCATOR_SETTINGS`] in its environment, if they are
/// not all there yet. The allocators read them before `main`, and setting options from
/// inside the process would need `unsafe` FFI, which this workspace forbids. `exec` keeps
/// the pid, so service managers and scripts see one process; if it fails, the program
/// goes on as is.
#[cfg(unix)]
fn with_allocator_setting() {
    let missing: Vec<(&str, &str)> = ALLOCATOR_SETTINGS
        .into_iter()
        .filter(|(name, _)| std::env::var_os(name).is_none())
        .collect();
    if missing.is_empty() {
        return;
    }
    let Ok(program) = std::env::current_exe() else {
        return;
    };
    use std::os::unix::process::CommandExt;
    let err = std::process::Command::new(program)
        .args(std::env::args_os().skip(1))
        .envs(missing)
        .exec();
    eprintln!("kairos: running with the default allocator settings ({err})");
}

#[cfg(not(unix))]
fn with_allocator_setting() {}

fn main() -> std::process::ExitCode {
    with_allocator_setting();
    let cli = kairos::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kairos: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(kairos::cli::run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kairos: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
