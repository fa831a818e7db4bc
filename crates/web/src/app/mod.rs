//! The app: its state and everything that changes it. Input flows one way: `events` (the
//! page's) and `replies` (the workers') call the modules that change `state`, which tell the
//! views. Nothing outside this folder reaches into the state.
//!
//! `recognise` keeps the answer up to date (with `why` for "why?" by gradient),
//! `engines`, `engine_choice` and `handover` decide which engine answers, `teaching` adapts to
//! the user's digits, `training` trains a network from scratch, `report_card` runs the test
//! set.

pub mod engine_choice;
pub mod engines;
pub mod events;
pub mod handover;
pub mod recognise;
pub mod replies;
pub mod report_card;
pub mod state;
pub mod teach_events;
pub mod teaching;
pub mod train_events;
pub mod training;
pub mod why;
