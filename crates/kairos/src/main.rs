//! `kairos`: the calendar server and its administration commands.

use clap::Parser;

/// mimalloc instead of glibc malloc: in a profile of `expand` answers under load, glibc's
/// malloc/free took over a quarter of the CPU (per-thread arenas contending, heap
/// consolidation); measured with wrk in docs/benchmarks.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
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
