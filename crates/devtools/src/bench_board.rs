//! `giaoban-bench board`: the leader's board (issue 26) timed as the use case serves it, with its
//! counts kept on write (`work::board`) and as it was computed before, every task classified by
//! the database at each request (`work::board_classified`). The two are checked equal at one
//! fixed moment first, then timed alternately so that the machine's drift falls on both; prints
//! the median and the 90th percentile of each, in milliseconds.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, anyhow};
use giaoban_app::channels::Channels;
use giaoban_app::work::{TaskQuery, board, board_classified};
use giaoban_app::{App, Caller, Clock};
use giaoban_domain::Lang;
use giaoban_storage::Store;
use giaoban_storage::tasks::{StatusClock, StatusWanted, TaskFilter, TaskSelection};

pub struct Params {
    /// Who looks at the board (the data set's administrator by default).
    pub user: String,
    pub runs: usize,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub async fn run(store: Store, params: &Params, lang: Lang) -> anyhow::Result<()> {
    let units = store.units().await?;
    let user = store
        .users(None)
        .await?
        .into_iter()
        .find(|u| u.username.as_str() == params.user)
        .ok_or_else(|| {
            anyhow!(
                "{}: {}",
                params.user,
                lang.pick("không có người dùng này", "no such user")
            )
        })?;
    let me = Caller::new(user, units).context("the user reaches no unit")?;
    let app = App::new(store, Arc::new(Channels::none()));
    let q = TaskQuery::default();
    // Equal at one moment (the board's label of its moment included).
    let fixed = app.clone().with_clock(Clock::Fixed(app.now()));
    let kept = serde_json::to_value(board(&fixed, &me, &q, lang).await?)?;
    let classified = serde_json::to_value(board_classified(&fixed, &me, &q, lang).await?)?;
    if kept != classified {
        return Err(anyhow!(
            "the board from the counts kept on write differs from the classified one:\n{kept}\n{classified}"
        ));
    }
    let tasks: u64 = kept["totals"]
        .as_object()
        .map(|t| t.values().filter_map(|v| v.as_u64()).sum())
        .unwrap_or(0);
    println!(
        "board of {} ({tasks} tasks, {} overdue): equal",
        params.user, kept["overdue_total"]
    );
    let mut times = (Vec::new(), Vec::new());
    for _ in 0..params.runs {
        let t = Instant::now();
        board(&app, &me, &q, lang).await?;
        times.0.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        board_classified(&app, &me, &q, lang).await?;
        times.1.push(t.elapsed().as_secs_f64() * 1e3);
    }
    // Where the time goes: the parts of the board read from the store, alone.
    let clock = StatusClock::new(app.now(), &giaoban_app::work::policy());
    let whole = TaskSelection {
        filter: TaskFilter::default(),
        clock,
        status: StatusWanted::Any,
        period: None,
    };
    let mut parts = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..params.runs {
        let t = Instant::now();
        app.store.board_counts(&clock, 50).await?;
        parts.0.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        app.store.status_tally(&whole).await?;
        parts.1.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let recurring = app.store.recurring_tasks(&TaskFilter::default()).await?;
        parts.2.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(recurring);
    }
    for (name, v) in [
        ("counts kept on write (board)", &mut times.0),
        ("classified (board_classified, before)", &mut times.1),
        ("  store: board_counts + 50 most overdue", &mut parts.0),
        ("  store: status_tally of every task", &mut parts.1),
        ("  store: recurring tasks read whole", &mut parts.2),
    ] {
        v.sort_by(f64::total_cmp);
        println!(
            "{name}: median {:.2} ms, p90 {:.2} ms, min {:.2} ms ({} runs)",
            quantile(v, 0.5),
            quantile(v, 0.9),
            quantile(v, 0.0),
            v.len()
        );
    }
    app.store.close().await;
    Ok(())
}
