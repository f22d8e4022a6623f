//! Sets the cfg `lgsp_frozen`, under which benches/decide.rs adds the frozen engine
//! (scripts/bench-frozen.sh).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(lgsp_frozen)");
    println!("cargo::rustc-cfg=lgsp_frozen");
}
