//! `sctpshim PROGRAM ARGS...`: run PROGRAM with libsctpshim.so preloaded.
fn main() {
    eprintln!("sctpshim: not built yet");
    std::process::exit(2);
}
