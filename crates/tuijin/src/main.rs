//! The `tuijin` binary. Everything happens in `cli`; this only reports errors
//! as one clear line and a non-zero exit, never a panic trace.

mod cli;
mod config;

#[tokio::main]
async fn main() {
    if let Err(e) = cli::run().await {
        eprintln!("错误：{e:#}");
        std::process::exit(1);
    }
}
