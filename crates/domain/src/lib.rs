//! The domain of giaoban: types validated on creation, rules and policies. No I/O, no async.
//!
//! Data flows one way: text and forms → domain → storage → pages, API and documents. Everything that
//! crosses a boundary into the system is parsed into a type from here first (`X::parse`), so the layers
//! below never see raw strings.

pub mod access;
pub mod audit;
pub mod calendar;
pub mod channel;
pub mod conclusion;
pub mod deadline;
pub mod handover;
pub mod indicator;
pub mod lang;
pub mod lineage;
pub mod lunar;
pub mod meeting;
pub mod ocop;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod period;
pub mod period_report;
pub mod programme;
pub mod reading;
pub mod reminder;
pub mod reorganisation;
pub mod report;
pub mod task;
pub mod task_status;
pub mod tree;
pub mod unit;
pub mod user;

pub use lang::{Lang, Localized};
