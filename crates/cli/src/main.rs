//! The `iotlabel` command: a thin shell over the iotlabel libraries.

mod advisories_cmd;
mod assess_cmd;
mod bench_cmd;
mod catalog_cmd;
mod cli;
mod client;
mod demo;
mod error;
mod export;
mod keys_cmd;
mod label_cmd;
mod output;
mod remote_cmd;
mod sbom_cmd;
mod serve_cmd;

use std::process::ExitCode;

// The assessment engine allocates many small strings (reasons in two languages per provision);
// mimalloc handles that pattern markedly faster than the system allocator (README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Catalog(command) => catalog_cmd::run(cli.catalog.as_deref(), command),
        Command::Declaration(command) => catalog_cmd::load(cli.catalog.as_deref())
            .and_then(|c| assess_cmd::declaration(&c, command)),
        Command::Sbom(command) => sbom_cmd::run(command),
        Command::Keys(command) => keys_cmd::run(command),
        Command::Label(command) => {
            catalog_cmd::load(cli.catalog.as_deref()).and_then(|c| label_cmd::run(&c, command))
        }
        Command::Verify(args) => label_cmd::verify(args),
        Command::Bench(command) => {
            catalog_cmd::load(cli.catalog.as_deref()).and_then(|c| bench_cmd::run(&c, command))
        }
        Command::Assess(args) => {
            catalog_cmd::load(cli.catalog.as_deref()).and_then(|c| assess_cmd::assess(&c, args))
        }
        Command::Serve(args) => {
            catalog_cmd::load(cli.catalog.as_deref()).and_then(|c| serve_cmd::serve(c, args))
        }
        Command::Submit(args) => {
            catalog_cmd::load(cli.catalog.as_deref()).and_then(|c| remote_cmd::submit(&c, args))
        }
        Command::Attest(args) => remote_cmd::attest(args),
        Command::Log(command) => remote_cmd::log(command),
        Command::Registry(command) => serve_cmd::registry(command),
        Command::Operator(command) => remote_cmd::operator(command),
        Command::Advisories(command) => advisories_cmd::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e @ (error::CliError::Reported | error::CliError::LinkOnly)) => e.exit_code(),
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}
