//! Heavy work (`giaoban_app::limits`): a gate runs its jobs on the blocking pool, no more at once
//! than it allows, and gives its permit back when a job ends.

use std::sync::mpsc;

use giaoban_app::limits::{Gate, HeavyWork};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gate_holds_its_permit_while_the_job_runs() {
    let gate = std::sync::Arc::new(Gate::new(1, "đọc tệp", "reading files"));
    assert_eq!(gate.available(), 1);
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let running = {
        let gate = gate.clone();
        tokio::spawn(async move {
            gate.run(move || {
                started_tx.send(()).expect("started");
                release_rx.recv().expect("released");
                6 * 7
            })
            .await
        })
    };
    tokio::task::spawn_blocking(move || started_rx.recv().expect("the job starts"))
        .await
        .expect("wait");
    assert_eq!(gate.available(), 0, "the running job holds the only permit");
    release_tx.send(()).expect("release");
    assert_eq!(running.await.expect("join").expect("the job's result"), 42);
    assert_eq!(gate.available(), 1, "given back when the job ends");
}

#[test]
fn the_application_reads_two_files_and_two_texts_at_once() {
    let heavy = HeavyWork::default();
    assert_eq!((heavy.files.available(), heavy.texts.available()), (2, 2));
    // A gate asked for none still lets one job through.
    assert_eq!(Gate::new(0, "x", "x").available(), 1);
}
