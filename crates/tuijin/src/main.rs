//! The `tuijin` binary. Everything happens in `cli`; this only reports errors
//! as one clear line and a non-zero exit, never a panic trace.

mod bench;
mod cli;
mod config;
mod demo;

#[tokio::main]
async fn main() {
    if let Err(e) = cli::run().await {
        // One line, whatever the cause's own formatting.
        let msg = format!("{e:#}");
        let line: Vec<&str> = msg
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        eprintln!("错误：{}", line.join(" "));
        std::process::exit(1);
    }
}
