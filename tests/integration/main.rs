//! The integration tests: one binary, one module per concern.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly on unexpected values; inputs are fixtures"
)]

mod access;
mod deadline;
mod support;
mod validity;
