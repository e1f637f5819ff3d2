//! examgate's domain core: the rules of the exam-room door, with no I/O, no clock and no Tauri.
//!
//! Everything here is a pure function of its arguments so that the app, the CLI, the site server
//! and the tests share one definition of "valid document", "late", "proctors needed" and "state
//! of a candidate". Time is always passed in.

pub mod chief_proof;
pub mod clock;
pub mod closing;
pub mod count_check;
pub mod documents;
pub mod door;
pub mod event;
pub mod face;
pub mod fold;
pub mod model;
pub mod room_day;
pub mod room_presence;
pub mod search;
pub mod signed;
pub mod staffing;
pub mod text;
pub mod timeline;
pub mod timeline_steps;
pub mod verified;
pub mod violation_form;
