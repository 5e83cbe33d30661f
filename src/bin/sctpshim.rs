//! `sctpshim PROGRAM ARGS...`: run PROGRAM with libsctpshim.so preloaded.
//!
//! The library is looked for next to this executable (as cargo's `target/<profile>/` lays them
//! out), then in `../lib`, `../lib/sctpshim` and `../lib/x86_64-linux-gnu`; `SCTPSHIM_LIB`
//! overrides the search.
//! It is prepended to an existing `LD_PRELOAD`. Exit status 127 when PROGRAM cannot be run,
//! 2 on usage errors.

use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

const LIB: &str = "libsctpshim.so";

fn usage() -> ! {
    eprintln!("usage: sctpshim PROGRAM [ARGS...]\n\nRuns PROGRAM with the userland SCTP stack preloaded (see sctpshim(1)).");
    std::process::exit(2);
}

/// Where the library is, given the launcher's own path.
fn find_lib(exe: &Path) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SCTPSHIM_LIB") {
        return Some(PathBuf::from(p));
    }
    let dir = exe.parent()?;
    let candidates = [
        dir.join(LIB),
        dir.join("../lib").join(LIB),
        dir.join("../lib/sctpshim").join(LIB),
        dir.join("../lib/x86_64-linux-gnu").join(LIB),
    ];
    candidates.into_iter().find(|p| p.is_file())
}

/// `lib` in front of an existing LD_PRELOAD (space or colon separated, as ld.so accepts).
fn preload_value(lib: &Path, existing: Option<&OsStr>) -> OsString {
    let mut v = lib.as_os_str().to_os_string();
    if let Some(e) = existing.filter(|e| !e.is_empty()) {
        v.push(":");
        v.push(e);
    }
    v
}

fn main() {
    let mut args = std::env::args_os().skip(1);
    let Some(program) = args.next() else { usage() };
    if program == "-h" || program == "--help" {
        usage();
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let Some(lib) = find_lib(&exe) else {
        eprintln!(
            "sctpshim: cannot find {LIB} near {} (set SCTPSHIM_LIB)",
            exe.display()
        );
        std::process::exit(127);
    };
    let lib = lib.canonicalize().unwrap_or(lib);
    let value = preload_value(&lib, std::env::var_os("LD_PRELOAD").as_deref());
    std::env::set_var("LD_PRELOAD", value);
    let to_c = |s: OsString| CString::new(s.into_vec()).unwrap_or_default();
    let prog = to_c(program.clone());
    let argv: Vec<CString> = std::iter::once(program).chain(args).map(to_c).collect();
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    // SAFETY: NUL-terminated strings and a NULL-terminated argv that outlive the call.
    unsafe { libc::execvp(prog.as_ptr(), ptrs.as_ptr()) };
    let err = std::io::Error::last_os_error();
    eprintln!(
        "sctpshim: {}: {err}",
        Path::new(OsStr::from_bytes(prog.as_bytes())).display()
    );
    std::process::exit(127);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepends_to_existing_preload() {
        let lib = Path::new("/opt/lib/libsctpshim.so");
        assert_eq!(
            preload_value(lib, None),
            OsString::from("/opt/lib/libsctpshim.so")
        );
        assert_eq!(
            preload_value(lib, Some(OsStr::new(""))),
            OsString::from("/opt/lib/libsctpshim.so")
        );
        assert_eq!(
            preload_value(lib, Some(OsStr::new("/x/liba.so"))),
            OsString::from("/opt/lib/libsctpshim.so:/x/liba.so")
        );
    }
}
