//! Passwords: argon2id hashes and one-time passwords, for sign-in, the accounts the office makes
//! and the command line.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use std::sync::Arc;
use std::time::Duration;

use giaoban_domain::user::{PASSWORD_MAX_CHARS, password_from_random};

use crate::Error;

/// Hashes a password with argon2id (the crate's defaults follow the OWASP recommendation:
/// 19 MiB, 2 passes, 1 lane) and a random salt. CPU-heavy: call from a blocking thread.
pub fn hash_password(password: &str) -> Result<String, Error> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2 hash: {e}")))
}

/// Checks a password against a stored PHC string. CPU-heavy: call from a blocking thread.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Hashes on the blocking pool so sign-ins do not stall the async workers.
pub async fn hash_password_async(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Internal(format!("hash task: {e}")))?
}

/// A one-time password from the operating system's random source.
pub fn generate_password() -> Result<String, Error> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("random: {e}")))?;
    Ok(password_from_random(&bytes))
}

/// Runs argon2 (checks and hashes) on the blocking pool, a few at a time: each run takes 19 MiB
/// and a core for a good fraction of a second, so a burst of sign-ins must wait its turn rather
/// than take the server's memory. A request that cannot get a turn within `wait` is answered 503.
#[derive(Clone)]
pub struct PasswordWork {
    permits: Arc<tokio::sync::Semaphore>,
    wait: Duration,
    runs: Arc<std::sync::atomic::AtomicU64>,
}

impl PasswordWork {
    pub fn new(permits: usize, wait: Duration) -> Self {
        PasswordWork {
            permits: Arc::new(tokio::sync::Semaphore::new(permits.max(1))),
            wait,
            runs: Arc::default(),
        }
    }

    /// Password checks and hashes run so far (for tests and diagnostics).
    pub fn runs(&self) -> u64 {
        self.runs.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| Error::PasswordsBusy)?
            .map_err(|_| Error::PasswordsBusy)?;
        self.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // The permit goes with the work: a request given up still holds it until argon2 ends.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(|e| Error::Internal(format!("password task: {e}")))
    }

    pub async fn verify(&self, password: String, phc: String) -> Result<bool, Error> {
        if password.chars().count() > PASSWORD_MAX_CHARS {
            return Ok(false);
        }
        self.run(move || verify_password(&password, &phc)).await
    }

    pub async fn hash(&self, password: String) -> Result<String, Error> {
        if password.chars().count() > PASSWORD_MAX_CHARS {
            return Err(Error::Internal("password over the length limit".into()));
        }
        self.run(move || hash_password(&password)).await?
    }
}
