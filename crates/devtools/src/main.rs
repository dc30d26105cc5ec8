//! `giaoban-bench`: the benchmarks of giaoban, a binary of their own so that the server's `giaoban`
//! does not carry them. Same global options as `giaoban` (--data-dir, --database-url, --lang and
//! their `GIAOBAN_*` variables), from the `giaoban` library; one subcommand per benchmark. Used by
//! scripts/load and scripts/peers/*; see docs/PERFORMANCE.md.

mod bench_board;
mod bench_data;
mod bench_reports;
mod bench_rollups;
mod bench_text;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use giaoban::cli::{Global, open, store_config};

/// giaoban-bench — bộ dữ liệu và phép đo hiệu năng của giaoban.
///
/// Benchmarks of giaoban: builds the data sets of the performance comparisons and measures the
/// roll-ups, the text extraction and the periodic reports (docs/PERFORMANCE.md). Data lives in an
/// embedded SQLite database in the data directory, or on PostgreSQL with --database-url
/// postgres://…
#[derive(Parser)]
#[command(name = "giaoban-bench", version, about, long_about)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Builds the data set of the performance comparisons in an EMPTY database (use a new
    /// --data-dir, or --database-url for PostgreSQL): units with 30 departments, the reporting data
    /// of `reports` and tasks with their progress history, all through the storage layer;
    /// prints what was built, how long it took, and a generated password for the user bench-admin.
    /// Reproducible: the same options give the same contents.
    Data {
        /// province: 100 communes in 10 districts, 200 indicators × 36 months, 20 000 tasks;
        /// nation: 3 300 communes in 330 districts, same depth (660 000 tasks), for PostgreSQL.
        #[arg(long, value_enum)]
        scale: bench_data::Scale,
        /// Overrides the scale's number of communes.
        #[arg(long)]
        communes: Option<usize>,
        /// Overrides the scale's number of districts.
        #[arg(long)]
        districts: Option<usize>,
        /// Overrides the number of province departments (30).
        #[arg(long)]
        departments: Option<usize>,
        /// Overrides the number of indicators (200; 0 builds no reports).
        #[arg(long)]
        indicators: Option<usize>,
        /// Overrides the number of months of reports (36).
        #[arg(long)]
        months: Option<usize>,
        /// Overrides the scale's number of tasks.
        #[arg(long)]
        tasks: Option<usize>,
        /// Concurrent writers of tasks (default 1 on SQLite, 8 on PostgreSQL).
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Benchmark of periodic reports: builds a province-scale data set in an EMPTY database (use a
    /// new --data-dir) and prints the incremental roll-up update per report, the roll-up page time
    /// and a full rebuild (which must equal the incremental totals).
    Reports {
        #[arg(long, default_value_t = 100)]
        communes: usize,
        #[arg(long, default_value_t = 10)]
        districts: usize,
        #[arg(long, default_value_t = 200)]
        indicators: usize,
        #[arg(long, default_value_t = 36)]
        months: usize,
    },
    /// Roll-ups against DuckDB: the district and province roll-up of every indicator for a quarter
    /// (quarter, year to date, plan, % of plan) served from giaoban's aggregates and computed by
    /// DuckDB from the same figures exported as Parquet, checked equal and timed side by side
    /// (medians of alternating runs), then a full rebuild against DuckDB. Uses the `reports`
    /// data set, built first when the database is empty.
    Rollups {
        #[arg(long, default_value_t = 100)]
        communes: usize,
        #[arg(long, default_value_t = 10)]
        districts: usize,
        #[arg(long, default_value_t = 200)]
        indicators: usize,
        #[arg(long, default_value_t = 36)]
        months: usize,
        /// The quarter to roll up (its year must be in the data: 2023–2025 by default).
        #[arg(long, default_value = "2025Q2")]
        quarter: String,
        #[arg(long, default_value_t = 15)]
        runs: usize,
        #[arg(long, default_value_t = 3)]
        rebuild_runs: usize,
        /// Python with the duckdb package (../shared/peers/pyenv.sh installs it there).
        #[arg(long, default_value = "/opt/peers-venv/bin/python")]
        python: PathBuf,
        /// Where the exported CSV and Parquet files go (default: DATA_DIR/peers).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The leader's board (issue 26): the use case as served, its counts kept on write, against
    /// the board as computed before (every task classified at each request), checked equal, then
    /// timed alternately; median and 90th percentile of each in ms. Uses the data set of `data`.
    Board {
        /// Who looks at the board.
        #[arg(long, default_value = bench_data::ADMIN_USERNAME)]
        user: String,
        #[arg(long, default_value_t = 31)]
        runs: usize,
    },
    /// Text against pyvi and underthesea: giaoban's full extraction of documents against their
    /// word segmentation alone, on the same text file (the five seed documents repeated to ≥ 1 MB),
    /// MB/s as medians of alternating runs.
    Text {
        /// Size of the text in MB.
        #[arg(long, default_value_t = 1.0)]
        mb: f64,
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Python with pyvi and underthesea (../shared/peers/pyenv.sh installs them there).
        #[arg(long, default_value = "/opt/peers-venv/bin/python")]
        python: PathBuf,
        /// Where the text file goes (default: DATA_DIR/peers).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Leave underthesea out (about 4 s a run).
        #[arg(long)]
        skip_underthesea: bool,
        /// Instead of the peers: how the reading scales (2 000/4 000/8 000 tasks and 0.25/0.5/1 MB
        /// on one line, with the ratios) and what it makes of 200 KB of random bytes.
        #[arg(long)]
        scaling: bool,
    },
}

/// The server's allocator (see crates/giaoban/src/main.rs), so that what is measured here runs as
/// it runs in the server.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let lang = cli.global.lang;
    giaoban::cli::run_command(lang, run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let g = cli.global;
    let lang = g.lang;
    match cli.command {
        Command::Reports {
            communes,
            districts,
            indicators,
            months,
        } => {
            let store = open(&g).await?;
            let params = bench_reports::Params {
                communes,
                districts,
                indicators,
                months,
            };
            let out = bench_reports::run(&store, &params, lang).await;
            store.close().await;
            out
        }
        Command::Rollups {
            communes,
            districts,
            indicators,
            months,
            quarter,
            runs,
            rebuild_runs,
            python,
            out,
        } => {
            let quarter = giaoban_domain::period::Period::parse(&quarter).map_err(|_| {
                anyhow::anyhow!(
                    "--quarter «{quarter}»: {}",
                    lang.pick("viết như 2025Q2", "write it like 2025Q2")
                )
            })?;
            let store = open(&g).await?;
            let params = bench_rollups::Params {
                config: store_config(&g)?,
                load: bench_reports::Params {
                    communes,
                    districts,
                    indicators,
                    months,
                },
                quarter,
                runs,
                rebuild_runs,
                python,
                out: out.unwrap_or_else(|| g.data_dir.join("peers")),
            };
            let out = bench_rollups::run(&store, &params, lang).await;
            store.close().await;
            out
        }
        Command::Board { user, runs } => {
            let store = open(&g).await?;
            bench_board::run(store, &bench_board::Params { user, runs }, lang).await
        }
        Command::Text {
            mb,
            runs,
            python,
            out,
            skip_underthesea,
            scaling,
        } => {
            if scaling {
                return bench_text::scaling(runs, lang).await;
            }
            let params = bench_text::Params {
                mb,
                runs,
                python,
                out: out.unwrap_or_else(|| g.data_dir.join("peers")),
                underthesea: !skip_underthesea,
            };
            bench_text::run(&params, lang).await
        }
        Command::Data {
            scale,
            communes,
            districts,
            departments,
            indicators,
            months,
            tasks,
            jobs,
        } => {
            let store = open(&g).await?;
            let d = bench_data::Params::of(scale);
            let params = bench_data::Params {
                communes: communes.unwrap_or(d.communes),
                districts: districts.unwrap_or(d.districts),
                departments: departments.unwrap_or(d.departments),
                indicators: indicators.unwrap_or(d.indicators),
                months: months.unwrap_or(d.months),
                tasks: tasks.unwrap_or(d.tasks),
                jobs: jobs.unwrap_or(match store.engine() {
                    giaoban_storage::Engine::Sqlite => 1,
                    giaoban_storage::Engine::Postgres => d.jobs,
                }),
            };
            let out = bench_data::run(&store, scale, &params, lang).await;
            store.close().await;
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn help_documents_every_benchmark() {
        let mut cmd = Cli::command();
        let help = cmd.render_long_help().to_string();
        let names: Vec<_> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            .collect();
        assert_eq!(
            names,
            ["data", "reports", "rollups", "board", "text", "help"]
        );
        for sub in cmd.get_subcommands() {
            assert!(
                help.contains(sub.get_name()),
                "help lists {}",
                sub.get_name()
            );
            assert!(
                sub.get_about().is_some(),
                "{} has a description",
                sub.get_name()
            );
        }
        cmd.debug_assert();
    }
}
