//! The `confero-api` binary: see [`confero_api::cli`].

#[tokio::main]
async fn main() -> std::process::ExitCode {
    confero_api::telemetry::init();
    match confero_api::cli::run(<confero_api::cli::Cli as clap::Parser>::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
