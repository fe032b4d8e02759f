//! Tuijin's domain: the types and rules of the campaign, with no I/O.
//!
//! One folder per concept: `org` (units, working groups, leadership),
//! `campaign` (campaigns, targets, awards and the built-in templates),
//! `users` (roles and what they may do), `format` (display of money, land, rates),
//! `demo` (the deterministic 2006 Longwan demo pipeline).

pub mod calendar;
pub mod campaign;
pub mod demo;
pub mod enterprises;
pub mod evaluation;
pub mod format;
pub mod land;
pub mod meetings;
pub mod org;
pub mod projects;
pub mod requests;
pub mod targets;
pub mod users;
