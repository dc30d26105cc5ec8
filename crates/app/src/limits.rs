//! Work that holds a processor or much memory for a while — reading an uploaded workbook, reading
//! a long pasted text — runs on the blocking pool, a few at a time, so that the async workers keep
//! answering every other request (`/healthz` included) while it runs.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::Error;

/// How long a request waits for its turn before it is refused as busy.
const WAIT: Duration = Duration::from_secs(20);

/// A bounded number of heavy jobs of one kind at once.
pub struct Gate {
    permits: Arc<Semaphore>,
    /// What the job is, for the refusal ("đọc tệp Excel", "reading Excel files").
    what_vi: &'static str,
    what_en: &'static str,
}

impl Gate {
    pub fn new(at_once: usize, what_vi: &'static str, what_en: &'static str) -> Gate {
        Gate {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
            what_vi,
            what_en,
        }
    }

    /// Runs `job` on the blocking pool once a permit is free; a request that waits longer than
    /// [`WAIT`] is refused (503) with words saying why.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let permit =
            match tokio::time::timeout(WAIT, Arc::clone(&self.permits).acquire_owned()).await {
                Ok(Ok(permit)) => permit,
                _ => {
                    return Err(Error::Busy {
                        code: "server.busy",
                        vi: format!(
                            "Máy chủ đang bận {} cho người khác. Xin thử lại sau ít phút.",
                            self.what_vi
                        ),
                        en: format!(
                            "The server is busy {} for others. Please try again in a few minutes.",
                            self.what_en
                        ),
                    });
                }
            };
        tokio::task::spawn_blocking(move || {
            let out = job();
            drop(permit);
            out
        })
        .await
        .map_err(|e| Error::Internal(format!("blocking job: {e}")))
    }

    /// Permits free now (for tests).
    pub fn available(&self) -> usize {
        self.permits.available_permits()
    }
}

/// The gates of the application.
pub struct HeavyWork {
    /// Uploaded files (workbooks): at most two read at once.
    pub files: Gate,
    /// Texts read by the extraction: at most two at once.
    pub texts: Gate,
}

impl Default for HeavyWork {
    fn default() -> Self {
        HeavyWork {
            files: Gate::new(2, "đọc tệp tải lên", "reading uploaded files"),
            texts: Gate::new(2, "đọc văn bản", "reading texts"),
        }
    }
}
