//! `giaoban`: the command line of the system. A thin shell over the library crates: it reads the
//! configuration (flags, then `GIAOBAN_*` environment variables, then defaults), opens the store and
//! runs one command. The benchmarks are another binary, `giaoban-bench` (crates/devtools).

mod demo;
mod demo_cycle;
mod demo_programmes;
mod demo_reports;
mod demo_today;

use giaoban::cli::{Global, open};
use giaoban::units_file;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use giaoban_domain::Lang;
use giaoban_domain::Localized;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::user::{NewUser, Username};
use giaoban_storage::{Store, StoreConfig};
use giaoban_web::WebConfig;

/// giaoban — giao ban, kết luận, theo dõi nhiệm vụ và báo cáo định kỳ của chính quyền địa phương.
///
/// Review meetings, conclusion notices, task follow-up and periodic reports for Vietnamese local
/// government. Data lives in an embedded SQLite database in the data directory, or on PostgreSQL
/// with --database-url postgres://…
#[derive(Parser)]
#[command(name = "giaoban", version, about, long_about)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (pages and JSON API).
    Serve(ServeArgs),
    /// Create the demo data (units of the seed districts, users with printed passwords) if missing,
    /// then run the web server on it. Default data directory: giaoban-demo.
    Demo {
        #[command(flatten)]
        serve: ServeArgs,
        /// Delete the demo data directory first and build it again.
        #[arg(long)]
        reset: bool,
        /// Date the records of today are built from (YYYY-MM-DD), and the server's clock fixed at
        /// noon of that day in Vietnam: for tests and screenshots. Default: today, running clock.
        #[arg(long, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
    },
    /// Prepare a new installation: apply migrations, load a units file and create the first
    /// administrator, whose one-time password is printed once.
    Init {
        /// TOML file with the levels and units of the installation (the demo's format).
        #[arg(long)]
        units: PathBuf,
        /// Key (in the units file) of the unit the administrator belongs to.
        #[arg(long)]
        admin_unit: String,
        #[arg(long, default_value = "admin")]
        admin_username: String,
        #[arg(long, default_value = "Quản trị hệ thống")]
        admin_name: String,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Record the deadline and report reminders due now (7, 3 and 1 days before, and on missing a
    /// deadline), queue their e-mails (when GIAOBAN_SMTP_URL is set) and Telegram messages (to the
    /// units with a chat and a bot), then send everything due. The server does this every 10
    /// minutes; this runs it once (e.g. from cron on a deployment whose server runs elsewhere).
    Remind {
        /// Compute as of this moment instead of now (RFC 3339, or a date meaning its end).
        #[arg(long)]
        as_of: Option<String>,
    },
    /// Read a conclusion notice or report (FILE, or standard input) and print the proposed meeting
    /// details, tasks, figures, recommendations and warnings as JSON. Saves nothing.
    Extract {
        /// The document (UTF-8 or UTF-16 text); standard input when absent.
        file: Option<PathBuf>,
        /// The document's date, for texts that give no full date (ISO or dd/mm/yyyy).
        #[arg(long)]
        date: Option<String>,
        /// Indent the JSON.
        #[arg(long)]
        pretty: bool,
        /// `json` (everything, with spans) or `table` (meeting, tasks, figures and warnings as
        /// lines to read).
        #[arg(long, value_enum, default_value_t = ExtractFormat::Json)]
        format: ExtractFormat,
    },
    /// Write an official document to a file (Decree 30/2020 layout).
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Import data files.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Manage users from the command line (e.g. a lost administrator password).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Write a consistent copy of the SQLite database to FILE, even while the server runs.
    Backup {
        /// The file to write (must not exist).
        file: PathBuf,
    },
    /// Replace the SQLite database with a backup FILE (the server must be stopped).
    Restore {
        /// The backup file to bring back.
        file: PathBuf,
        /// Confirm that the current data may be replaced.
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ExtractFormat {
    Json,
    Table,
}

#[derive(Subcommand)]
enum ExportWhat {
    /// A conclusion notice (thông báo kết luận) by its id, as Word or PDF.
    Notice {
        /// The account the file is made for: it gets only what that person may open.
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
        /// The notice's id (as in its page's address).
        id: uuid::Uuid,
        #[arg(long, value_enum, default_value_t = NoticeFileFormat::Pdf)]
        format: NoticeFileFormat,
        /// The file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// A period report (báo cáo định kỳ) by its id, as Word, PDF or its indicator table in Excel.
    Report {
        /// The account the file is made for: it gets only what that person may open.
        #[arg(long = "as", value_name = "USERNAME")]
        as_user: String,
        /// The report's id (as in its page's address).
        id: uuid::Uuid,
        #[arg(long, value_enum, default_value_t = ReportFileFormat::Pdf)]
        format: ReportFileFormat,
        /// The file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ReportFileFormat {
    Docx,
    Pdf,
    Xlsx,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum NoticeFileFormat {
    Docx,
    Pdf,
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Load levels and units from a TOML file; units whose key exists are left unchanged.
    Units { file: PathBuf },
    /// Load the reorganisation of 1 July 2025 from the data bundled with giaoban (derived from
    /// vietnamadminunits 1.0.4, MIT): the new provinces and their communes, wards and special
    /// zones, and the old provinces, districts and communes ended on 30/06/2025 with their
    /// successors. Units already stored are found by code or name and given their successors.
    /// Running it again changes nothing.
    Reorganisation {
        /// GSO code of a province after 01/07/2025 (38 Thanh Hóa, 42 Hà Tĩnh…); repeat for several.
        #[arg(long = "province", required_unless_present = "all")]
        provinces: Vec<String>,
        /// All 34 provinces and cities.
        #[arg(long, conflicts_with = "provinces")]
        all: bool,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Give a user a new one-time password, printed once.
    ResetPassword { username: String },
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "GIAOBAN_BIND", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Mark cookies Secure (set when served behind HTTPS).
    #[arg(long, env = "GIAOBAN_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Count sign-in attempts under the client address in the last X-Forwarded-For entry (only
    /// behind a reverse proxy that sets it; otherwise clients could pick their own address).
    #[arg(long, env = "GIAOBAN_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, env = "GIAOBAN_SESSION_IDLE_MINUTES", default_value_t = 480, value_parser = clap::value_parser!(u64).range(5..=10080))]
    session_idle_minutes: u64,
}

impl ServeArgs {
    fn web_config(&self) -> WebConfig {
        WebConfig {
            secure_cookies: self.secure_cookies,
            trust_forwarded_for: self.trust_forwarded_for,
            session_idle: std::time::Duration::from_secs(self.session_idle_minutes * 60),
            // Five minutes, or half the idle window when that is shorter.
            session_renew: std::time::Duration::from_secs(
                (self.session_idle_minutes * 30).min(5 * 60),
            ),
            ..WebConfig::default()
        }
    }
}

/// jemalloc instead of glibc's malloc: glibc gives each thread that allocates (the async workers,
/// every SQLite connection's worker thread) an arena of its own, up to 8 per core, and the
/// server's memory grew with them. `scripts/load` on the province set (16 connections): peak
/// 166 / 167 MB with glibc, 153 / 146 MB with jemalloc, at the same or better rates.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let lang = cli.global.lang;
    giaoban::cli::run_command(lang, run(cli))
}

/// An exclusive lock on the data directory, held while a server runs there, so that a restore cannot
/// swap the database under it.
fn lock_data_dir(dir: &Path, lang: Lang) -> anyhow::Result<std::fs::File> {
    let unwritable = || {
        format!(
            "{} {}",
            lang.pick(
                "Không ghi được vào thư mục dữ liệu",
                "Cannot write to the data directory"
            ),
            dir.display()
        )
    };
    std::fs::create_dir_all(dir).with_context(unwritable)?;
    // A read-only file system or a full disk shows here first, before the database is opened.
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("giaoban.lock"))
        .with_context(unwritable)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(_) => bail!(
            "{} {}",
            dir.display(),
            lang.pick(
                "đang được một máy chủ giaoban khác sử dụng.",
                "is in use by another giaoban server."
            )
        ),
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let g = cli.global;
    let lang = g.lang;
    match cli.command {
        Command::Serve(args) => {
            let _lock = if g.database_url.is_none() {
                Some(lock_data_dir(&g.data_dir, lang)?)
            } else {
                None
            };
            let store = open(&g).await?;
            serve(store, &args, lang).await
        }
        Command::Demo {
            serve: args,
            reset,
            as_of,
        } => {
            let mut g = g;
            if std::env::var_os("GIAOBAN_DATA_DIR").is_none()
                && g.data_dir == Path::new("giaoban-data")
            {
                g.data_dir = PathBuf::from("giaoban-demo");
            }
            let _lock = if g.database_url.is_none() {
                if reset && g.data_dir.exists() {
                    std::fs::remove_dir_all(&g.data_dir)
                        .with_context(|| g.data_dir.display().to_string())?;
                }
                Some(lock_data_dir(&g.data_dir, lang)?)
            } else {
                None
            };
            let store = open(&g).await?;
            let clock = match as_of {
                Some(day) => giaoban_app::Clock::Fixed(
                    giaoban_domain::calendar::local_timestamp(
                        day,
                        jiff::civil::Time::constant(12, 0, 0, 0),
                    )
                    .map_err(|e| anyhow::anyhow!(e.message(lang)))?,
                ),
                None => giaoban_app::Clock::System,
            };
            // The demo is built for the day the server's clock shows (noon of `--as-of`).
            demo::ensure(&store, lang, clock.today()).await?;
            serve_at(store, &args, lang, clock).await
        }
        Command::Init {
            units,
            admin_unit,
            admin_username,
            admin_name,
        } => {
            let store = open(&g).await?;
            if store.user_count().await? > 0 {
                bail!(lang.pick(
                    "cơ sở dữ liệu đã có người dùng: init chỉ dùng cho cài đặt mới",
                    "the database already has users: init is for new installations"
                ));
            }
            let text =
                std::fs::read_to_string(&units).with_context(|| units.display().to_string())?;
            let actor = AuditActor::system("init");
            let report = units_file::load(&store, &actor, &text, lang).await?;
            let unit = store
                .unit_by_key(&admin_unit)
                .await?
                .with_context(|| format!("--admin-unit «{admin_unit}»"))?;
            let new = NewUser::parse(&admin_username, &admin_name, None, "admin", unit.id)
                .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            let password =
                giaoban_app::passwords::generate_password().map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = giaoban_app::passwords::hash_password(&password)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            store.create_user(&actor, &new, &hash, true).await?;
            println!(
                "{} {} {}",
                report.levels,
                lang.pick("cấp;", "levels;"),
                report.created
            );
            println!(
                "{} {admin_username}",
                lang.pick("Quản trị viên:", "Administrator:")
            );
            println!(
                "{} {password}",
                lang.pick(
                    "Mật khẩu dùng một lần (chỉ hiện lần này):",
                    "One-time password (shown this once):"
                )
            );
            Ok(())
        }
        Command::Remind { as_of } => {
            let store = open(&g).await?;
            let channels = channels_from_env(lang)?;
            // The command line has no app clock: an empty --as-of is the system's now.
            let now = giaoban_app::work::parse_as_of_at(as_of.as_deref(), jiff::Timestamp::now())
                .map_err(|e| anyhow::anyhow!(e.to_string()))?;
            let report = giaoban_app::work::send_reminders(&store, &channels, now)
                .await
                .map_err(|e| anyhow::anyhow!(e.to_string()))?;
            println!(
                "{}: {} {}, {} {}, {} {}",
                lang.pick("Nhắc việc", "Reminders"),
                report.tasks_checked,
                lang.pick("nhiệm vụ có hạn đang mở", "open tasks with a deadline"),
                report.notifications,
                lang.pick("nhắc mới", "new reminders"),
                report.deliveries,
                lang.pick("tin chờ gửi", "deliveries queued"),
            );
            let reports = giaoban_app::reports::send_report_reminders(&store, &channels, now)
                .await
                .map_err(|e| anyhow::anyhow!(e.to_string()))?;
            println!(
                "{}: {} {}, {} {}, {} {}",
                lang.pick("Nhắc báo cáo", "Report reminders"),
                reports.reports_checked,
                lang.pick("báo cáo phải nộp đã xem", "expected reports checked"),
                reports.reminders,
                lang.pick("nhắc mới", "new reminders"),
                reports.deliveries,
                lang.pick("tin chờ gửi", "deliveries queued"),
            );
            // Everything due goes out now (reminders, and office messages the server queued),
            // each delivery once even while a server sends too. Deliveries run on the real time
            // (their queue and retry times are real write times), whatever --as-of says.
            let sent =
                giaoban_app::channels::deliver_pending(&store, &channels, jiff::Timestamp::now())
                    .await
                    .map_err(|e| anyhow::anyhow!(e.to_string()))?;
            println!(
                "{}: {} {}, {} {}, {} {}",
                lang.pick("Gửi thư và Telegram", "E-mail and Telegram"),
                sent.sent,
                lang.pick("đã gửi", "sent"),
                sent.retried,
                lang.pick("sẽ gửi lại", "to be tried again"),
                sent.failed,
                lang.pick("lỗi", "failed"),
            );
            store.close().await;
            Ok(())
        }
        Command::Migrate => {
            let store = open(&g).await?;
            println!(
                "{} ({})",
                lang.pick(
                    "Đã áp dụng các bản chuyển đổi cơ sở dữ liệu",
                    "Migrations applied"
                ),
                store.engine().name()
            );
            store.close().await;
            Ok(())
        }
        Command::Extract {
            file,
            date,
            pretty,
            format,
        } => {
            let bytes = match &file {
                Some(f) => std::fs::read(f).with_context(|| f.display().to_string())?,
                None => {
                    let mut buf = Vec::new();
                    std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)?;
                    buf
                }
            };
            let text = giaoban_vntext::normalize::decode_text(&bytes);
            let date = giaoban_domain::unit::parse_date("--date", date.as_deref().unwrap_or(""))
                .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            let store = open(&g).await?;
            let units = store.units().await?;
            store.close().await;
            let (result, _) = giaoban_domain::reading::read_document(&text, &units, |_| true, date);
            if format == ExtractFormat::Table {
                print!("{}", extract_table(&text, &result, &units, lang));
                return Ok(());
            }
            let json = if pretty {
                serde_json::to_string_pretty(&result)?
            } else {
                serde_json::to_string(&result)?
            };
            println!("{json}");
            Ok(())
        }
        Command::Export { what } => {
            let store = open(&g).await?;
            let app = giaoban_app::App::new(store.clone(), Default::default());
            let (file, out) = match what {
                ExportWhat::Notice {
                    id,
                    format,
                    out,
                    as_user,
                } => {
                    let format = match format {
                        NoticeFileFormat::Docx => giaoban_app::work::NoticeFormat::Docx,
                        NoticeFileFormat::Pdf => giaoban_app::work::NoticeFormat::Pdf,
                    };
                    let me = export_caller(&store, &as_user, lang).await?;
                    let file = giaoban_app::work::notice_file(&app, &me, id, format).await;
                    (file, out)
                }
                ExportWhat::Report {
                    id,
                    format,
                    out,
                    as_user,
                } => {
                    use giaoban_app::period_reports::ReportFormat;
                    let format = match format {
                        ReportFileFormat::Docx => ReportFormat::Docx,
                        ReportFileFormat::Pdf => ReportFormat::Pdf,
                        ReportFileFormat::Xlsx => ReportFormat::Xlsx,
                    };
                    let me = export_caller(&store, &as_user, lang).await?;
                    let file = giaoban_app::period_reports::file(&app, &me, id, format).await;
                    (file, out)
                }
            };
            let file = file.map_err(|e| anyhow::anyhow!("{}", e.message(lang)))?;
            store.close().await;
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&out)
                .with_context(|| out.display().to_string())?;
            std::io::Write::write_all(&mut f, &file.bytes)
                .with_context(|| out.display().to_string())?;
            println!(
                "{} {} ({} bytes)",
                lang.pick("Đã ghi", "Wrote"),
                out.display(),
                file.bytes.len()
            );
            Ok(())
        }
        Command::Import {
            what: ImportWhat::Units { file },
        } => {
            let store = open(&g).await?;
            let text =
                std::fs::read_to_string(&file).with_context(|| file.display().to_string())?;
            let report =
                units_file::load(&store, &AuditActor::system("import"), &text, lang).await?;
            println!(
                "{}: {} / {}: {} / {}: {}",
                lang.pick("cấp", "levels"),
                report.levels,
                lang.pick("đơn vị mới", "new units"),
                report.created,
                lang.pick("đã có", "already present"),
                report.existing
            );
            store.close().await;
            Ok(())
        }
        Command::Import {
            what: ImportWhat::Reorganisation { provinces, all: _ },
        } => {
            let store = open(&g).await?;
            let app = giaoban_app::App::new(store.clone(), Default::default());
            let started = std::time::Instant::now();
            let data = giaoban_app::reorganisation::bundled()
                .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            let loaded = giaoban_app::reorganisation::load(
                &app,
                &AuditActor::system("import"),
                &data,
                &provinces,
            )
            .await
            .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            let s = &loaded;
            println!(
                "{}: {} {} {} {} ({} {}) · {}: {} · {}: {} · {}: {} · {}: {} · {:.1} s",
                lang.pick("hoạt động từ 01/07/2025", "active from 01/07/2025"),
                s.active_provinces,
                lang.pick("tỉnh, thành phố và", "provinces and cities and"),
                s.active_communes,
                lang.pick("xã, phường, đặc khu", "communes, wards and special zones"),
                s.new_units_created,
                lang.pick("tạo mới", "created"),
                lang.pick("đơn vị cũ tạo (đã kết thúc)", "old units created (ended)"),
                s.old_units_created,
                lang.pick(
                    "đơn vị có sẵn kết thúc, có đơn vị kế thừa",
                    "stored units ended with successors"
                ),
                s.old_units_ended,
                lang.pick("kết thúc, chờ bàn giao", "ended, awaiting handover"),
                s.ended_without_successor,
                lang.pick("đã nạp trước", "loaded before"),
                s.unchanged,
                started.elapsed().as_secs_f64()
            );
            println!(
                "{}",
                lang.pick(
                    "Dữ liệu: vietnamadminunits 1.0.4 (giấy phép MIT, © 2025 Tran Ngoc Minh Hieu).",
                    "Data: vietnamadminunits 1.0.4 (MIT licence, © 2025 Tran Ngoc Minh Hieu)."
                )
            );
            store.close().await;
            Ok(())
        }
        Command::User {
            action: UserAction::ResetPassword { username },
        } => {
            let store = open(&g).await?;
            let name = Username::parse(&username).map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            let creds = store
                .credentials(&name)
                .await?
                .with_context(|| format!("«{username}»"))?;
            let password =
                giaoban_app::passwords::generate_password().map_err(|e| anyhow::anyhow!("{e}"))?;
            let hash = giaoban_app::passwords::hash_password(&password)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            store
                .set_password(
                    &AuditActor::system("user reset-password"),
                    creds.user.id,
                    &hash,
                    true,
                )
                .await?;
            println!(
                "{} {password}",
                lang.pick(
                    "Mật khẩu dùng một lần (chỉ hiện lần này):",
                    "One-time password (shown this once):"
                )
            );
            store.close().await;
            Ok(())
        }
        Command::Backup { file } => {
            let store = open(&g).await?;
            let info = store
                .backup_to(&file)
                .await
                .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            println!(
                "{} {}: {} {}, {} {}, {} {}",
                lang.pick("Đã sao lưu vào", "Backed up to"),
                file.display(),
                info.units,
                lang.pick("đơn vị", "units"),
                info.users,
                lang.pick("người dùng", "users"),
                info.audit_entries,
                lang.pick("mục nhật ký", "audit entries")
            );
            store.close().await;
            Ok(())
        }
        Command::Restore { file, yes } => {
            if g.database_url.is_some() {
                bail!(lang.pick(
                    "khôi phục PostgreSQL: dùng pg_restore",
                    "restoring PostgreSQL: use pg_restore"
                ));
            }
            if !yes {
                bail!(lang.pick(
                    "khôi phục sẽ thay thế toàn bộ dữ liệu hiện tại: thêm --yes để xác nhận",
                    "restore replaces all current data: add --yes to confirm"
                ));
            }
            let _lock = lock_data_dir(&g.data_dir, lang)?;
            let StoreConfig::Sqlite { path } = StoreConfig::in_data_dir(&g.data_dir) else {
                bail!("unreachable: data directory is SQLite");
            };
            let info = giaoban_storage::backup::restore_sqlite_file(&file, &path)
                .await
                .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
            // Record the restore in the restored database's own trail.
            let store = open(&g).await?;
            store
                .record_event(&giaoban_storage::audit::NewAudit {
                    actor: &AuditActor::system("restore"),
                    action: giaoban_domain::audit::AuditAction::Restore,
                    entity: "database",
                    entity_id: file.display().to_string(),
                    unit_id: None,
                    before: None,
                    after: Some(serde_json::json!({"units": info.units, "users": info.users})),
                })
                .await?;
            store.close().await;
            println!(
                "{} {}: {} {}, {} {}",
                lang.pick("Đã khôi phục từ", "Restored from"),
                file.display(),
                info.units,
                lang.pick("đơn vị", "units"),
                info.users,
                lang.pick("người dùng", "users")
            );
            Ok(())
        }
    }
}

/// The account `export --as USERNAME` acts as: an unknown or inactive account is named in the
/// message rather than reported as a missing document.
async fn export_caller(
    store: &Store,
    username: &str,
    lang: Lang,
) -> anyhow::Result<giaoban_app::Caller> {
    match giaoban_app::Caller::by_username(store, username).await {
        Ok(me) => Ok(me),
        Err(giaoban_app::Error::NotFound) => Err(anyhow::anyhow!(
            "{} «{username}»",
            lang.pick(
                "Không có tài khoản đang hoạt động tên",
                "No active account named"
            )
        )),
        Err(e) => Err(anyhow::anyhow!("{}", e.message(lang))),
    }
}

async fn serve(store: Store, args: &ServeArgs, lang: Lang) -> anyhow::Result<()> {
    serve_at(store, args, lang, giaoban_app::Clock::System).await
}

/// [`serve`] with the use cases acting at the time `clock` gives (the demo `--as-of` a day).
async fn serve_at(
    store: Store,
    args: &ServeArgs,
    lang: Lang,
    clock: giaoban_app::Clock,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| {
            format!(
                "{} {}",
                lang.pick("không mở được cổng", "cannot listen on"),
                args.bind
            )
        })?;
    let channels = std::sync::Arc::new(channels_from_env(lang)?);
    let app = giaoban_web::app(
        store.clone(),
        giaoban_web::WebConfig {
            channels: channels.clone(),
            clock,
            ..args.web_config()
        },
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let purge_store = store.clone();
    let purger = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = purge_store.sessions_purge_expired().await {
                tracing::warn!(error = %e, "purging expired sessions failed");
            }
        }
    });
    // The outbox's sender: every minute, and at once when a reminder or a message is queued.
    // It runs on the real time (see `spawn_sender`); the reminder sweeps below decide what is due
    // by the app's clock, as the pages do.
    let sender = giaoban_app::channels::spawn_sender(store.clone(), channels.clone());
    let remind_store = store.clone();
    let reminder = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            match giaoban_app::work::send_reminders(&remind_store, &channels, clock.now()).await {
                Ok(r) if r.notifications > 0 => tracing::info!(
                    new = r.notifications,
                    queued = r.deliveries,
                    "deadline reminders"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "deadline reminders failed"),
            }
            match giaoban_app::reports::send_report_reminders(&remind_store, &channels, clock.now())
                .await
            {
                Ok(r) if r.reminders > 0 => {
                    tracing::info!(new = r.reminders, queued = r.deliveries, "report reminders")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "report reminders failed"),
            }
        }
    });
    let addr = listener.local_addr()?;
    tracing::info!(
        engine = store.engine().name(),
        "giaoban listening on http://{addr}"
    );
    println!(
        "{} http://{addr}",
        lang.pick("giaoban đang chạy tại", "giaoban is serving at")
    );
    giaoban_web::serve(listener, app, shutdown_signal()).await?;
    purger.abort();
    reminder.abort();
    sender.abort();
    store.close().await;
    tracing::info!("giaoban stopped");
    Ok(())
}

/// The reading as lines a person reads: the meeting, one line per task (lead | coordinating |
/// deadline as written | action), the figures and the warnings.
fn extract_table(
    text: &str,
    x: &giaoban_vntext::extract::Extraction,
    units: &[giaoban_domain::unit::Unit],
    lang: Lang,
) -> String {
    use giaoban_vntext::extract::{Assignee, Resolution};
    use std::fmt::Write;
    let written = |s: &giaoban_vntext::span::Span| text.get(s.start..s.end).unwrap_or("").trim();
    let name = |a: &Assignee| match &a.resolution {
        Resolution::Exact { id } | Resolution::Prefix { id } => units
            .iter()
            .find(|u| u.id.to_string() == *id)
            .map_or_else(|| a.text.clone(), |u| u.name.clone()),
        _ => format!("{} (?)", a.text),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}",
        lang.pick("Ngày họp", "Meeting date"),
        x.meeting.date.as_ref().map_or("—", |d| written(&d.span))
    );
    for c in &x.meeting.chairs {
        let _ = writeln!(
            out,
            "{}: {}{}",
            lang.pick("Chủ trì", "Chair"),
            c.name,
            c.title
                .as_deref()
                .map(|t| format!(" – {t}"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "\n{} ({})\n#\t{}\t{}\t{}\t{}",
        lang.pick("Nhiệm vụ", "Tasks"),
        x.tasks.len(),
        lang.pick("Chủ trì", "Lead"),
        lang.pick("Phối hợp", "Coordinating"),
        lang.pick("Thời hạn", "Deadline"),
        lang.pick("Nội dung", "Action")
    );
    for (i, t) in x.tasks.iter().enumerate() {
        let lead: Vec<String> = t.lead.iter().map(name).collect();
        let coord: Vec<String> = t.coordinating.iter().map(name).collect();
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            i + 1,
            lead.join("; "),
            coord.join("; "),
            t.deadline.as_ref().map_or("—", |d| written(&d.span)),
            t.action
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let _ = writeln!(
        out,
        "\n{} ({})",
        lang.pick("Số liệu", "Figures"),
        x.figures.len()
    );
    for f in &x.figures {
        let _ = writeln!(
            out,
            "{}\t{}",
            written(&f.quantity.span),
            f.measure.as_deref().unwrap_or("")
        );
    }
    if !x.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", lang.pick("Cần kiểm tra", "To check"));
        for w in &x.warnings {
            let _ = writeln!(out, "- {}", w.message);
        }
    }
    out
}

/// The SMTP mailer configured by GIAOBAN_SMTP_URL, if any.
fn mailer_from_env(lang: Lang) -> anyhow::Result<Option<giaoban_notify::Mailer>> {
    match giaoban_notify::SmtpConfig::from_env().map_err(|e| anyhow::anyhow!(e.message(lang)))? {
        None => Ok(None),
        Some(config) => {
            tracing::info!(smtp = %config, "reminder e-mails enabled");
            Ok(Some(
                giaoban_notify::Mailer::new(&config)
                    .map_err(|e| anyhow::anyhow!(e.message(lang)))?,
            ))
        }
    }
}

/// The channels of this server: e-mail when GIAOBAN_SMTP_URL is set; Telegram always, through
/// GIAOBAN_TELEGRAM_API (Telegram's own by default) with the units' own bots and the optional
/// server bot of GIAOBAN_TELEGRAM_BOT_TOKEN; links made absolute with GIAOBAN_PUBLIC_URL.
fn channels_from_env(lang: Lang) -> anyhow::Result<giaoban_app::channels::Channels> {
    let mailer = mailer_from_env(lang)?;
    let telegram_config =
        giaoban_notify::TelegramConfig::from_env().map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let telegram = giaoban_notify::Telegram::new(&telegram_config)
        .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    tracing::info!(
        api = telegram.api_base(),
        server_bot = telegram.server_token().is_some(),
        "Telegram messages enabled for units with a chat and a bot"
    );
    let public_url = std::env::var(giaoban_app::channels::PUBLIC_URL_ENV_VAR).ok();
    Ok(giaoban_app::channels::Channels::new(
        mailer,
        Some(telegram),
        public_url,
    ))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn help_documents_every_command() {
        let mut cmd = Cli::command();
        let help = cmd.render_long_help().to_string();
        let subcommands: Vec<_> = cmd
            .get_subcommands()
            .map(|s| s.get_name().to_owned())
            .collect();
        assert!(subcommands.len() >= 8, "{subcommands:?}");
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
            for nested in sub.get_subcommands() {
                assert!(
                    nested.get_about().is_some(),
                    "{} {} has a description",
                    sub.get_name(),
                    nested.get_name()
                );
            }
        }
        cmd.debug_assert();
    }

    #[tokio::test]
    async fn demo_units_load_on_this_engine_and_twice_changes_nothing() {
        let db = giaoban_storage::testing::TestDb::new().await;
        let actor = AuditActor::system("test");
        let first = units_file::load(&db.store, &actor, demo::UNITS_TOML, Lang::Vi)
            .await
            .expect("demo units load");
        assert_eq!(first.levels, 3);
        assert!(first.created > 300, "{first:?}");
        let again = units_file::load(&db.store, &actor, demo::UNITS_TOML, Lang::Vi)
            .await
            .expect("reload");
        assert_eq!(again.created, 0);
        assert_eq!(again.existing, first.created);
        // The demo's seven districts with their communes as of the seed dates (UNITS.md counts).
        let units = db.store.units().await.expect("units");
        let tree = giaoban_domain::tree::UnitTree::new(&units);
        let count = |district: &str, day: &str| {
            let d = units
                .iter()
                .find(|u| u.key.as_deref() == Some(district))
                .expect("district");
            let day: jiff::civil::Date = day.parse().expect("date");
            tree.children(Some(d.id))
                .iter()
                .filter(|u| u.kind.is_commune_level() && u.is_active_on(day))
                .count()
        };
        assert_eq!(count("cam-thuy", "2023-03-24"), 17);
        assert_eq!(count("thach-ha", "2021-04-08"), 22);
        assert_eq!(count("thach-ha", "2019-12-31"), 31);
        assert_eq!(count("ky-anh", "2017-04-14"), 21);
        assert_eq!(count("bach-thong", "2018-04-06"), 17);
        // Every demo user's unit exists.
        for u in demo::USERS {
            assert!(
                db.store
                    .unit_by_key(u.unit)
                    .await
                    .expect("lookup")
                    .is_some(),
                "{}",
                u.unit
            );
        }
        // Merged communes point to their successor.
        let dinh_ban = units
            .iter()
            .find(|u| u.key.as_deref() == Some("thach-ha-dinh-ban"))
            .expect("Đỉnh Bàn");
        let from: Vec<_> = tree
            .merged_from(dinh_ban.id)
            .iter()
            .map(|u| u.name.clone())
            .collect();
        assert_eq!(from.len(), 2, "{from:?}");
    }

    #[tokio::test]
    async fn units_file_errors_name_the_entry() {
        let db = giaoban_storage::testing::TestDb::new().await;
        let actor = AuditActor::system("test");
        let text = "[[level]]\ncode = \"tinh\"\nrank = 1\nname_vi = \"Tỉnh\"\nname_en = \"Province\"\n\
                    [[unit]]\nkey = \"a\"\nkind = \"province\"\nlevel = \"tinh\"\nname = \"Tỉnh A\"\n\
                    [[unit]]\nkey = \"b\"\nkind = \"commune\"\nlevel = \"tinh\"\nname = \"Xã B\"\nparent = \"zzz\"\n";
        let e = units_file::load(&db.store, &actor, text, Lang::Vi)
            .await
            .expect_err("unknown parent");
        assert!(
            e.to_string().contains("«b»") && e.to_string().contains("«zzz»"),
            "{e}"
        );
        let e = units_file::load(&db.store, &actor, "[[unit]]\nkey = 1", Lang::En)
            .await
            .expect_err("bad toml");
        assert!(format!("{e:#}").contains("not valid TOML"), "{e:#}");
    }
}
