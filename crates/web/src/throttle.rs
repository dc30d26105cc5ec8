//! The throttle against password guessing: failed sign-ins counted per account and client
//! address, per address, and per account, with locks and a doubling back-off. It knows nothing of
//! HTTP; the sign-in handler asks it before a password is checked.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use giaoban_domain::user::Username;

/// How many sign-in attempts each key may have (see [`SignInThrottle`]).
#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    /// Failed attempts on one account from one client address before that pair is locked.
    pub per_pair: u32,
    /// Failed attempts from one client address, over all accounts, before the address is locked.
    pub per_address: u32,
    /// Failed attempts on one account, from all addresses, before each further check waits.
    pub per_account: u32,
    /// The longest wait between two checks of an account past `per_account` (the wait doubles
    /// with every failure from one second up to this).
    pub backoff_max: Duration,
    /// A lock lasts this long after the last failure; counts older than this are forgotten.
    pub window: Duration,
}

/// Entries kept per table at most: only well-formed usernames (64 bytes at most) and addresses
/// are stored, so the three tables stay under a few tens of megabytes whatever is sent.
const MAX_ENTRIES: usize = 50_000;

#[derive(Debug, Clone, Copy, Default)]
struct Counter {
    failures: u32,
    in_flight: u32,
    last_failure: Option<Instant>,
}

impl Counter {
    /// Forgets failures older than the window.
    fn refresh(&mut self, window: Duration, now: Instant) {
        if self
            .last_failure
            .is_some_and(|at| now.saturating_duration_since(at) >= window)
        {
            self.failures = 0;
            self.last_failure = None;
        }
    }

    fn idle(&self, window: Duration, now: Instant) -> bool {
        self.in_flight == 0
            && self
                .last_failure
                .is_none_or(|at| now.saturating_duration_since(at) >= window)
    }

    /// Minutes until the last failure is a window old (at least 1).
    fn minutes_left(&self, window: Duration, now: Instant) -> u64 {
        let left = self.last_failure.map_or(Duration::ZERO, |at| {
            window.saturating_sub(now.saturating_duration_since(at))
        });
        left.as_secs().div_ceil(60).max(1)
    }
}

/// A table of counters bounded in size.
struct Table<K> {
    map: HashMap<K, Counter>,
}

impl<K: std::hash::Hash + Eq + Clone> Table<K> {
    fn new() -> Self {
        Table {
            map: HashMap::new(),
        }
    }

    /// The counter of `key`, refreshed; makes room for a new key by forgetting idle entries and,
    /// when the table is still full, the entry whose last failure is oldest.
    fn get(&mut self, key: &K, window: Duration, now: Instant) -> Counter {
        if !self.map.contains_key(key) && self.map.len() >= MAX_ENTRIES {
            self.map.retain(|_, c| !c.idle(window, now));
            if self.map.len() >= MAX_ENTRIES
                && let Some(oldest) = self
                    .map
                    .iter()
                    .filter(|(_, c)| c.in_flight == 0)
                    .min_by_key(|(_, c)| c.last_failure)
                    .map(|(k, _)| k.clone())
            {
                self.map.remove(&oldest);
            }
        }
        let mut c = self.map.get(key).copied().unwrap_or_default();
        c.refresh(window, now);
        c
    }

    fn put(&mut self, key: K, c: Counter, window: Duration, now: Instant) {
        if c.idle(window, now) && c.failures == 0 {
            self.map.remove(&key);
        } else {
            self.map.insert(key, c);
        }
    }

    fn update(&mut self, key: &K, window: Duration, now: Instant, f: impl FnOnce(&mut Counter)) {
        if let Some(mut c) = self.map.get(key).copied() {
            c.refresh(window, now);
            f(&mut c);
            self.put(key.clone(), c, window, now);
        }
    }
}

struct Tables {
    pairs: Table<(Username, IpAddr)>,
    addresses: Table<IpAddr>,
    accounts: Table<Username>,
}

/// Limits password guessing. Every attempt reserves a place before its password is checked, so
/// parallel guesses cannot pass a limit; what is counted:
/// - per account and client address: `per_pair` failures lock that pair for the window (the owner
///   signing in from another address is not locked out by a stranger);
/// - per client address over all accounts: `per_address` failures lock the address;
/// - per account over all addresses: past `per_account` failures, each further check waits for the
///   one before it and then 1, 2, 4 … seconds (at most `backoff_max`), which slows a distributed
///   guesser to a trickle while leaving the owner a turn.
///
/// Kept in memory per server (a restart forgets it); only well-formed usernames are kept.
#[derive(Clone)]
pub struct SignInThrottle {
    inner: Arc<Mutex<Tables>>,
    limits: SignInLimits,
}

/// Why an attempt is refused before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub minutes: u64,
}

/// A reserved sign-in attempt: settle it with [`Attempt::failed`] or [`Attempt::succeeded`];
/// dropped unsettled (an error, a busy server, a client gone) it counts as nothing.
pub struct Attempt {
    throttle: SignInThrottle,
    key: Option<(Username, IpAddr)>,
}

/// The address a client is counted under: an IPv4 address, or the /64 network of an IPv6 one
/// (one subscriber usually has a whole /64).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

impl SignInThrottle {
    pub fn new(limits: SignInLimits) -> Self {
        SignInThrottle {
            inner: Arc::new(Mutex::new(Tables {
                pairs: Table::new(),
                addresses: Table::new(),
                accounts: Table::new(),
            })),
            limits,
        }
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Entries held in the tables (for tests and diagnostics).
    pub fn entries(&self) -> usize {
        let t = self.tables();
        t.pairs.map.len() + t.addresses.map.len() + t.accounts.map.len()
    }

    /// Reserves an attempt on `account` from `client`, or says how long to wait.
    pub fn reserve(&self, account: &Username, client: IpAddr) -> Result<Attempt, Refused> {
        let l = self.limits;
        let w = l.window;
        let now = Instant::now();
        let client = client_key(client);
        let pair_key = (account.clone(), client);
        let mut t = self.tables();
        let mut pair = t.pairs.get(&pair_key, w, now);
        if pair.failures + pair.in_flight >= l.per_pair {
            return Err(Refused {
                minutes: pair.minutes_left(w, now),
            });
        }
        let mut addr = t.addresses.get(&client, w, now);
        if addr.failures + addr.in_flight >= l.per_address {
            return Err(Refused {
                minutes: addr.minutes_left(w, now),
            });
        }
        let mut acct = t.accounts.get(account, w, now);
        if acct.failures + acct.in_flight >= l.per_account {
            let over = acct.failures.saturating_sub(l.per_account).min(30);
            let wait = Duration::from_secs(1u64 << over).min(l.backoff_max);
            let since = acct
                .last_failure
                .map_or(Duration::MAX, |at| now.saturating_duration_since(at));
            if acct.in_flight > 0 || since < wait {
                return Err(Refused {
                    minutes: wait.saturating_sub(since).as_secs().div_ceil(60).max(1),
                });
            }
        }
        pair.in_flight += 1;
        addr.in_flight += 1;
        acct.in_flight += 1;
        t.pairs.put(pair_key.clone(), pair, w, now);
        t.addresses.put(client, addr, w, now);
        t.accounts.put(account.clone(), acct, w, now);
        Ok(Attempt {
            throttle: self.clone(),
            key: Some(pair_key),
        })
    }

    fn settle(&self, (account, client): &(Username, IpAddr), outcome: Option<bool>) {
        let w = self.limits.window;
        let now = Instant::now();
        let mut t = self.tables();
        let release = |c: &mut Counter| c.in_flight = c.in_flight.saturating_sub(1);
        let fail = |c: &mut Counter| {
            c.in_flight = c.in_flight.saturating_sub(1);
            c.failures = c.failures.saturating_add(1);
            c.last_failure = Some(now);
        };
        match outcome {
            Some(true) => {
                // The owner is in: their pair and the account's count start again; the address's
                // count does not (an attacker with an account of their own must not clear it).
                let forget = |c: &mut Counter| {
                    c.in_flight = c.in_flight.saturating_sub(1);
                    c.failures = 0;
                    c.last_failure = None;
                };
                t.pairs.update(&(account.clone(), *client), w, now, forget);
                t.accounts.update(account, w, now, forget);
                t.addresses.update(client, w, now, release);
            }
            Some(false) => {
                t.pairs.update(&(account.clone(), *client), w, now, fail);
                t.accounts.update(account, w, now, fail);
                t.addresses.update(client, w, now, fail);
            }
            None => {
                t.pairs.update(&(account.clone(), *client), w, now, release);
                t.accounts.update(account, w, now, release);
                t.addresses.update(client, w, now, release);
            }
        }
    }
}

impl Attempt {
    pub fn failed(mut self) {
        if let Some(k) = self.key.take() {
            self.throttle.settle(&k, Some(false));
        }
    }

    pub fn succeeded(mut self) {
        if let Some(k) = self.key.take() {
            self.throttle.settle(&k, Some(true));
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if let Some(k) = self.key.take() {
            self.throttle.settle(&k, None);
        }
    }
}
