//! Issue #3: the less common entry points on SCTP sockets (shim-tests/api_calls.c): accept4
//! flags, ioctl FIONBIO/FIONREAD, fcntl64, the _FORTIFY_SOURCE read variants, ppoll and
//! pselect, readv/writev, sendfile, SO_TYPE/SO_DOMAIN/SO_PROTOCOL, and blocking calls that
//! give up after SO_RCVTIMEO / SO_SNDTIMEO, a listener readable once an association waits
//! for accept. The program must really call the fortified variants:
//! its dynamic symbols are checked first.

mod support;

use std::time::Duration;
use support::{compile_c, require, Cmd, Netns, TempDir};

#[test]
fn less_common_calls_behave_as_on_linux() {
    let dir = TempDir::new("apicalls");
    let exe = compile_c("api_calls.c", dir.path(), &["-lsctp"]);
    let nm = Cmd::new(require("nm"))
        .args(["-D", "--undefined-only"])
        .arg(&exe)
        .timeout(Duration::from_secs(20))
        .run();
    nm.assert_success();
    for sym in [
        "__recv_chk",
        "__read_chk",
        "__recvfrom_chk",
        "fcntl64",
        "ppoll",
        "pselect",
        "sendfile",
    ] {
        assert!(
            nm.stdout.lines().any(|l| l
                .split_whitespace()
                .last()
                .is_some_and(|s| s.starts_with(sym))),
            "{sym} not called by the program:\n{}",
            nm.stdout
        );
    }
    support::run_checks_in(&Netns::new("apicalls"), &exe, &[], &[], 24);
}
