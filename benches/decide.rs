//! Benchmarks (see docs/PERFORMANCE.md).

fn main() {}
