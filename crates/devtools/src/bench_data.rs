//! `giaoban-bench data`: builds the data set of the performance comparisons in an empty database —
//! units, a department layer, the reporting data of `giaoban-bench reports` and tasks with their
//! progress — through the storage layer's own functions, so every row is one the application
//! itself writes.
//!
//! Reproducible: every task is drawn from a generator seeded by its number, so the same options give
//! the same contents (ids and timestamps aside) on either engine and with any number of writers.

use std::time::{Duration, Instant};

use giaoban_domain::Lang;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::deadline::{Deadline, RecurrenceRule};
use giaoban_domain::period::Period;
use giaoban_domain::task::{DeadlineInput, ProgressInput, TaskDraft, TaskInput};
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::NewUser;
use giaoban_storage::Store;
use giaoban_storage::tasks::TaskAction;
use jiff::ToSpan;
use jiff::civil::Date;

use crate::bench_reports::{self, BenchUnits, next};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// ≥ 100 communes, 30 departments, 200 indicators monthly for 3 years, 20 000 tasks.
    Province,
    /// 3 300 communes (the count after the 2025 reorganisation), same depth; meant for PostgreSQL.
    Nation,
}

/// The size of the data set: the scale's defaults, each of which an option may override.
#[derive(Clone, Debug)]
pub struct Params {
    pub communes: usize,
    pub districts: usize,
    pub departments: usize,
    pub indicators: usize,
    pub months: usize,
    pub tasks: usize,
    /// Concurrent writers of tasks (PostgreSQL takes several; SQLite has one writer anyway).
    pub jobs: usize,
}

impl Params {
    pub fn of(scale: Scale) -> Params {
        match scale {
            Scale::Province => Params {
                communes: 100,
                districts: 10,
                departments: 30,
                indicators: 200,
                months: 36,
                tasks: 20_000,
                jobs: 1,
            },
            // Same depth: ten communes per district, 200 tasks per commune as in the province.
            Scale::Nation => Params {
                communes: 3_300,
                districts: 330,
                departments: 30,
                indicators: 200,
                months: 36,
                tasks: 660_000,
                jobs: 8,
            },
        }
    }
}

/// The user the benchmarks sign in as.
pub const ADMIN_USERNAME: &str = "bench-admin";

/// The generator of task `i`: a splitmix64 of the task number, so a task's contents do not depend
/// on the order the writers reach it.
fn task_seed(i: usize) -> u64 {
    let mut z = (i as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) | 1
}

const ACTIONS: [&str; 8] = [
    "Rà soát, tổng hợp",
    "Chỉ đạo hoàn thành",
    "Kiểm tra, đôn đốc",
    "Xây dựng kế hoạch",
    "Báo cáo kết quả",
    "Tham mưu đề xuất",
    "Giải quyết dứt điểm",
    "Tổ chức triển khai",
];
const SUBJECTS: [&str; 8] = [
    "công tác giải phóng mặt bằng dự án đường tỉnh",
    "tiến độ giải ngân vốn đầu tư công",
    "tiêu chí nông thôn mới nâng cao",
    "sản phẩm OCOP năm nay",
    "kiến nghị của cử tri về đất đai",
    "thu ngân sách nhà nước trên địa bàn",
    "phòng chống thiên tai, tìm kiếm cứu nạn",
    "chuyển đổi số trong cơ quan nhà nước",
];

/// One generated task: what to create and what happens to it afterwards.
struct Planned {
    input: TaskInput,
    /// Progress percentages reported by the lead unit, in order.
    progress: Vec<u8>,
    /// Completed, and when (relative to its due date, in days).
    completion: Option<i64>,
    cancelled: bool,
}

/// The units tasks are spread over.
struct Pool {
    province: UnitId,
    departments: Vec<UnitId>,
    districts: Vec<UnitId>,
    /// (commune, its district)
    communes: Vec<(UnitId, UnitId)>,
}

impl Pool {
    /// A lead unit and the body that assigns it the task: 30 % departments and 20 % districts
    /// (assigned by the province), 50 % communes (assigned by their district).
    fn lead(&self, r: u64) -> (UnitId, UnitId) {
        let pick = |v: usize| (r >> 8) as usize % v.max(1);
        match r % 10 {
            0..=2 if !self.departments.is_empty() => (
                self.departments[pick(self.departments.len())],
                self.province,
            ),
            0..=4 if !self.districts.is_empty() => {
                (self.districts[pick(self.districts.len())], self.province)
            }
            _ if !self.communes.is_empty() => self.communes[pick(self.communes.len())],
            _ => (self.province, self.province),
        }
    }

    /// A unit of the same kind as the lead's, to coordinate.
    fn peer(&self, lead: UnitId, r: u64) -> Option<UnitId> {
        let from = if self.departments.contains(&lead) {
            self.departments.clone()
        } else if self.districts.contains(&lead) {
            self.districts.clone()
        } else {
            // A commune's neighbours: the communes of its district.
            let district = self.communes.iter().find(|(c, _)| *c == lead)?.1;
            self.communes
                .iter()
                .filter(|(_, d)| *d == district)
                .map(|(c, _)| *c)
                .collect()
        };
        let u = *from.get((r as usize) % from.len().max(1))?;
        (u != lead).then_some(u)
    }
}

fn plan(i: usize, pool: &Pool) -> Planned {
    let mut s = task_seed(i);
    let mut r = || next(&mut s);
    let (lead, assigner) = pool.lead(r());
    let mut coordinating = Vec::new();
    for _ in 0..(r() % 3) {
        if let Some(u) = pool.peer(lead, r())
            && !coordinating.contains(&u.0)
        {
            coordinating.push(u.0);
        }
    }
    let start = Date::constant(2023, 1, 1);
    let assigned_on = start
        .checked_add(((r() % 1_095) as i64).days())
        .unwrap_or(start);
    let shape = r() % 20;
    let deadline = match shape {
        0 => Deadline::Standing,
        1 => RecurrenceRule::monthly(25, None)
            .map(Deadline::Recurring)
            .unwrap_or(Deadline::Standing),
        2 | 3 => {
            let d = assigned_on.checked_add(90.days()).unwrap_or(assigned_on);
            Period::quarter(d.year(), (d.month() - 1) / 3 + 1)
                .map(Deadline::WithinPeriod)
                .unwrap_or(Deadline::Standing)
        }
        _ => Deadline::At {
            date: assigned_on
                .checked_add(((15 + r() % 165) as i64).days())
                .unwrap_or(assigned_on),
            time: None,
        },
    };
    let dated = matches!(deadline, Deadline::At { .. } | Deadline::WithinPeriod(_));
    let updates = (r() % 4) as usize;
    let progress: Vec<u8> = (1..=updates).map(|k| (k * 25) as u8).collect();
    let completion = (dated && r() % 100 < 45).then(|| (r() % 40) as i64 - 25);
    let cancelled = completion.is_none() && r() % 50 == 0;
    let document = r() % 2 == 0;
    let content = format!(
        "{} {} (nhiệm vụ thử số {})",
        ACTIONS[(r() % 8) as usize],
        SUBJECTS[(r() % 8) as usize],
        i + 1
    );
    Planned {
        input: TaskInput {
            content,
            source_kind: Some(if document { "document" } else { "instruction" }.into()),
            conclusion_id: None,
            meeting_id: None,
            source_ref: document.then(|| format!("Văn bản số {}/UBND-TH", 100 + i)),
            assigner_unit_id: assigner.0,
            assigner_name: None,
            lead_unit_id: lead.0,
            coordinating_unit_ids: coordinating,
            monitor_unit_id: None,
            parent_id: None,
            deadline: DeadlineInput::Typed(deadline),
            assigned_on: Some(assigned_on.to_string()),
        },
        progress,
        completion,
        cancelled,
    }
}

#[derive(Default)]
struct TaskCounts {
    tasks: usize,
    parties: usize,
    updates: usize,
    completed: usize,
    cancelled: usize,
}

/// Creates tasks `lane, lane + lanes, …` below `total` with their history.
async fn write_tasks(
    store: Store,
    actor: AuditActor,
    pool: std::sync::Arc<Pool>,
    lane: usize,
    lanes: usize,
    total: usize,
    done: std::sync::Arc<std::sync::atomic::AtomicUsize>,
) -> anyhow::Result<TaskCounts> {
    let mut c = TaskCounts::default();
    let today = giaoban_app::Clock::System.today();
    for i in (lane..total).step_by(lanes) {
        let p = plan(i, &pool);
        let draft = TaskDraft::parse(&p.input, today).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let task = store.create_task(&actor, &draft).await?;
        c.tasks += 1;
        c.parties += 1 + draft.coordinating_unit_ids.len();
        let lead = task.lead_unit_id;
        for pct in &p.progress {
            let input = ProgressInput {
                percent: Some(pct.to_string()),
                note: format!("Đã thực hiện được {pct}% khối lượng."),
                completed: false,
                evidence: None,
                occurrence: None,
                version: None,
            };
            let progress = giaoban_domain::task::Progress::parse(&input, &task.deadline)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            store
                .report_progress(&actor, task.id, lead, &progress, None)
                .await?;
            c.updates += 1;
        }
        if let (Some(offset), Some(due)) = (p.completion, task.deadline.due()) {
            let input = ProgressInput {
                percent: Some("100".into()),
                note: "Đã hoàn thành, có báo cáo kèm theo.".into(),
                completed: true,
                evidence: None,
                occurrence: None,
                version: None,
            };
            let progress = giaoban_domain::task::Progress::parse(&input, &task.deadline)
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            store
                .report_progress(&actor, task.id, lead, &progress, None)
                .await?;
            // The completion as it happened: `offset` days from the due date, at 16:00 in Vietnam.
            let day = due.date.checked_add(offset.days()).unwrap_or(due.date);
            let at = giaoban_domain::calendar::local_timestamp(day, jiff::civil::time(16, 0, 0, 0))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            store
                .record_completion_at(&actor, task.id, at, None, "Đã hoàn thành.")
                .await?;
            c.updates += 1;
            c.completed += 1;
        }
        if p.cancelled {
            store
                .act_on_task(
                    &actor,
                    task.id,
                    task.assigner_unit_id,
                    TaskAction::Cancel,
                    "Không còn phù hợp.",
                    None,
                )
                .await?;
            c.cancelled += 1;
        }
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if n.is_multiple_of(500) {
            eprint!("\r{n}/{total}");
        }
    }
    Ok(c)
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

pub async fn run(store: &Store, scale: Scale, p: &Params, lang: Lang) -> anyhow::Result<()> {
    bench_reports::ensure_empty(store, lang).await?;
    anyhow::ensure!(
        p.communes >= 1 && p.districts >= 1 && p.jobs >= 1,
        "{}",
        lang.pick(
            "--communes, --districts và --jobs phải ít nhất là 1.",
            "--communes, --districts and --jobs must be at least 1."
        )
    );
    let actor = AuditActor::system("bench-data");
    let t_all = Instant::now();
    let t = Instant::now();
    let report_params = bench_reports::Params {
        communes: p.communes,
        districts: p.districts,
        indicators: p.indicators,
        months: p.months,
    };
    let BenchUnits {
        province,
        districts,
        communes,
    } = bench_reports::build_units(store, &actor, &report_params).await?;
    let mut departments = Vec::new();
    for d in 0..p.departments {
        let draft = bench_reports::unit_draft(
            "department",
            "tinh",
            format!("Sở Thử {}", d + 1),
            Some(province),
        )?;
        departments.push(store.create_unit(&actor, &draft).await?.id);
    }
    let units_time = t.elapsed();
    let password =
        giaoban_app::passwords::generate_password().map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash =
        giaoban_app::passwords::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let admin = NewUser::parse(ADMIN_USERNAME, "Quản trị thử tải", None, "admin", province)
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    // Like the demo's: no change is asked at first sign-in, the benchmarks sign in by script.
    store.create_user(&actor, &admin, &hash, false).await?;

    let units = BenchUnits {
        province,
        districts: districts.clone(),
        communes: communes.clone(),
    };
    let reports = if p.indicators > 0 && p.months > 0 {
        Some(bench_reports::load_reports(store, &actor, &report_params, &units, lang).await?)
    } else {
        None
    };

    let per = p.communes.div_ceil(p.districts);
    let pool = std::sync::Arc::new(Pool {
        province,
        departments: departments.clone(),
        districts: districts.clone(),
        communes: communes
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, districts[(i / per).min(districts.len() - 1)]))
            .collect(),
    });
    let t = Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let lanes = p.jobs.min(p.tasks.max(1));
    let mut handles = Vec::new();
    for lane in 0..lanes {
        handles.push(tokio::spawn(write_tasks(
            store.clone(),
            actor.clone(),
            pool.clone(),
            lane,
            lanes,
            p.tasks,
            done.clone(),
        )));
    }
    let mut counts = TaskCounts::default();
    for h in handles {
        let c = h.await??;
        counts.tasks += c.tasks;
        counts.parties += c.parties;
        counts.updates += c.updates;
        counts.completed += c.completed;
        counts.cancelled += c.cancelled;
    }
    if p.tasks >= 500 {
        eprintln!();
    }
    let tasks_time = t.elapsed();

    println!(
        "giaoban-bench data --scale {} ({})",
        match scale {
            Scale::Province => "province",
            Scale::Nation => "nation",
        },
        store.engine().name()
    );
    println!(
        "  units: 1 province, {} districts, {} communes, {} departments — {}",
        districts.len(),
        communes.len(),
        departments.len(),
        secs(units_time)
    );
    if let Some(r) = &reports {
        println!(
            "  reports: {} indicators × {} months × {} communes = {} reports, {} figures — setup {}, load {} (each saved as a draft, then sent)",
            p.indicators,
            p.months,
            communes.len(),
            r.reports,
            r.figures,
            secs(r.setup),
            secs(r.load)
        );
    }
    println!(
        "  tasks: {} tasks, {} unit parts, {} progress reports, {} completed, {} cancelled — {} ({:.0} tasks/s with their history, {} writer{})",
        counts.tasks,
        counts.parties,
        counts.updates,
        counts.completed,
        counts.cancelled,
        secs(tasks_time),
        counts.tasks as f64 / tasks_time.as_secs_f64().max(1e-9),
        lanes,
        if lanes == 1 { "" } else { "s" }
    );
    println!("  total: {}", secs(t_all.elapsed()));
    println!("  province: {province}");
    if let Some(d) = departments.first().or(districts.first()) {
        println!("  bench unit: {d}");
    }
    println!(
        "{} {ADMIN_USERNAME}",
        lang.pick("Quản trị viên:", "Administrator:")
    );
    println!(
        "{} {password}",
        lang.pick(
            "Mật khẩu (chỉ hiện lần này):",
            "Password (shown this once):"
        )
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> Pool {
        let u = |n: u128| UnitId(uuid::Uuid::from_u128(n));
        Pool {
            province: u(1),
            departments: (10..13).map(u).collect(),
            districts: (20..22).map(u).collect(),
            communes: (30..36).map(|n| (u(n), u(20 + (n % 2)))).collect(),
        }
    }

    #[test]
    fn plans_are_reproducible_and_valid() {
        let pool = pool();
        let today = Date::constant(2026, 11, 23);
        let mut leads = std::collections::HashSet::new();
        let mut completions = 0;
        for i in 0..500 {
            let a = plan(i, &pool);
            let b = plan(i, &pool);
            assert_eq!(a.input.content, b.input.content);
            assert_eq!(a.input.lead_unit_id, b.input.lead_unit_id);
            assert_eq!(a.input.deadline, b.input.deadline);
            assert_eq!(a.progress, b.progress);
            let draft = TaskDraft::parse(&a.input, today).expect("valid task");
            assert!(!draft.coordinating_unit_ids.contains(&draft.lead_unit_id));
            leads.insert(draft.lead_unit_id);
            completions += usize::from(a.completion.is_some());
            // A commune's task is assigned by its own district.
            if let Some((_, d)) = pool.communes.iter().find(|(c, _)| *c == draft.lead_unit_id) {
                assert_eq!(draft.assigner_unit_id, *d);
            } else {
                assert_eq!(draft.assigner_unit_id, pool.province);
            }
        }
        assert!(leads.len() >= 10, "spread over the units: {}", leads.len());
        assert!((100..300).contains(&completions), "{completions}");
        assert_ne!(plan(1, &pool).input.content, plan(2, &pool).input.content);
    }
}
