//! Tuijin's domain: the types and rules of the campaign, with no I/O.
//!
//! One folder per concept: `org` (units, working groups, leadership),
//! `campaign` (campaigns, targets, awards and the built-in templates),
//! `users` (roles and what they may do), `format` (display of money, land, rates),
//! `demo` (the deterministic 2006 Longwan demo pipeline), `patch` (partial
//! updates: what an import row or API object sent, merged with what is stored).

pub mod calendar;
pub mod campaign;
pub mod demo;
pub mod enterprises;
pub mod evaluation;
pub mod financing;
pub mod fiscal;
pub mod format;
pub mod land;
pub mod meetings;
pub mod org;
pub mod patch;
pub mod per_mu;
pub mod policies;
pub mod power;
pub mod projects;
pub mod requests;
pub mod targets;
pub mod users;
