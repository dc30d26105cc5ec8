//! Shared by the benchmarks' tests: the binary under test, and the application served in-process
//! on a data set the binary built (the server's own router, as `giaoban serve` runs it).

#![allow(dead_code)]

use giaoban_storage::Store;

pub const BIN: &str = env!("CARGO_BIN_EXE_giaoban-bench");

/// The application served on 127.0.0.1 (a free port) until this is dropped.
pub struct Served {
    pub url: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Serves `store` as `giaoban serve` does with its default settings.
pub async fn serve(store: Store) -> Served {
    let router =
        giaoban_web::app(store, giaoban_web::WebConfig::default()).expect("the application");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = giaoban_web::serve(listener, router, async move {
            let _ = stopped.await;
        })
        .await;
    });
    Served {
        url: format!("http://{addr}"),
        _stop: stop,
    }
}
