//! What the command lines of giaoban's binaries share: the server's `giaoban` and the developers'
//! `giaoban-bench` (crates/devtools) take the same global options, open the store the same way and
//! report errors the same way.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use giaoban_domain::{Lang, Localized};
use giaoban_storage::{Store, StoreConfig};
use tracing_subscriber::EnvFilter;

/// The options every command takes: where the data is and the language of messages.
#[derive(Args, Clone, Debug)]
pub struct Global {
    /// Data directory (SQLite database, lock file).
    #[arg(
        long,
        global = true,
        env = "GIAOBAN_DATA_DIR",
        default_value = "giaoban-data"
    )]
    pub data_dir: PathBuf,
    /// Database URL: postgres://user@host/db for PostgreSQL; without it, SQLite in the data directory.
    #[arg(
        long,
        global = true,
        env = "GIAOBAN_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Language of messages: vi (default) or en.
    #[arg(long, global = true, env = "GIAOBAN_LANG", default_value = "vi", value_parser = parse_lang)]
    pub lang: Lang,
}

/// `--lang`: `vi` or `en`.
pub fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("«{s}»: vi | en"))
}

/// The store the options name: PostgreSQL at `--database-url`, else SQLite in `--data-dir`.
pub fn store_config(g: &Global) -> anyhow::Result<StoreConfig> {
    match &g.database_url {
        Some(url) => StoreConfig::from_url(url).map_err(|e| anyhow::anyhow!(e.message(g.lang))),
        None => Ok(StoreConfig::in_data_dir(&g.data_dir)),
    }
}

/// Opens the store the options name, applying pending migrations.
pub async fn open(g: &Global) -> anyhow::Result<Store> {
    let config = store_config(g)?;
    Store::open(&config).await.map_err(|e| {
        anyhow::anyhow!(
            "{}: {e}",
            g.lang
                .pick("không mở được cơ sở dữ liệu", "cannot open the database")
        )
    })
}

/// Runs one command to its end: the log on standard error (filtered by `GIAOBAN_LOG`), a
/// multi-threaded runtime, and the command's error printed in `lang` as a failed exit status.
pub fn run_command(lang: Lang, command: impl Future<Output = anyhow::Result<()>>) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("GIAOBAN_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .with_target(false)
        .with_writer(std::io::stderr)
        // Colours only on a terminal: log files and journald get plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}: {e:#}", lang.pick("Lỗi", "Error"));
            ExitCode::FAILURE
        }
    }
}
