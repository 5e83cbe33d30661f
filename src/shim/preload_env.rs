//! The environment an exec passes on, with this library put back into LD_PRELOAD (the exec
//! hooks, shim/exec.rs, use it when the new image inherits SCTP fds). ld.so separates
//! LD_PRELOAD entries by spaces or colons; ours goes first, the others stay.

use std::ffi::{CStr, CString};

const KEY: &[u8] = b"LD_PRELOAD=";

/// `entries` (NAME=value strings) with `lib` in LD_PRELOAD; None when it is there already.
pub fn with_library(entries: &[&CStr], lib: &CStr) -> Option<Vec<CString>> {
    let current = entries.iter().find_map(|e| e.to_bytes().strip_prefix(KEY));
    let has = |v: &[u8]| {
        v.split(|&b| b == b' ' || b == b':')
            .any(|p| p == lib.to_bytes())
    };
    if current.is_some_and(has) {
        return None;
    }
    let mut value = KEY.to_vec();
    value.extend_from_slice(lib.to_bytes());
    if let Some(v) = current.filter(|v| !v.is_empty()) {
        value.push(b' ');
        value.extend_from_slice(v);
    }
    let mut out = vec![CString::new(value).ok()?];
    out.extend(
        entries
            .iter()
            .filter(|e| !e.to_bytes().starts_with(KEY))
            .map(|e| (*e).to_owned()),
    );
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(env: &[&str]) -> Option<Vec<String>> {
        let owned: Vec<CString> = env.iter().map(|s| CString::new(*s).unwrap()).collect();
        let refs: Vec<&CStr> = owned.iter().map(|s| s.as_c_str()).collect();
        with_library(&refs, c"/opt/libsctpshim.so")
            .map(|v| v.into_iter().map(|s| s.into_string().unwrap()).collect())
    }

    #[test]
    fn added_when_missing() {
        assert_eq!(
            run(&["PATH=/bin", "HOME=/root"]).unwrap(),
            ["LD_PRELOAD=/opt/libsctpshim.so", "PATH=/bin", "HOME=/root"]
        );
        assert_eq!(run(&[]).unwrap(), ["LD_PRELOAD=/opt/libsctpshim.so"]);
    }

    #[test]
    fn put_first_before_other_libraries() {
        assert_eq!(
            run(&["A=1", "LD_PRELOAD=libx.so:liby.so"]).unwrap(),
            ["LD_PRELOAD=/opt/libsctpshim.so libx.so:liby.so", "A=1"]
        );
        assert_eq!(
            run(&["LD_PRELOAD="]).unwrap(),
            ["LD_PRELOAD=/opt/libsctpshim.so"]
        );
    }

    #[test]
    fn left_alone_when_present() {
        assert_eq!(run(&["LD_PRELOAD=/opt/libsctpshim.so"]), None);
        assert_eq!(run(&["LD_PRELOAD=libx.so /opt/libsctpshim.so"]), None);
        assert_eq!(run(&["LD_PRELOAD=libx.so:/opt/libsctpshim.so"]), None);
        // A different path to a library of the same name is not ours.
        assert!(run(&["LD_PRELOAD=/other/libsctpshim.so"]).is_some());
    }
}
