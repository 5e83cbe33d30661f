//! The hook macro and the per-thread re-entrancy guard.
//!
//! We do not use the `redhook` crate: its `hook!` calls the real function again after catching a
//! panic (doubling side effects), resolves lazily through a per-symbol `std::sync::Once` that
//! panics on a missing symbol and deadlocks or panics when re-entered, and has no errno handling,
//! no variadics and no `__*_chk` variants (reference/interposer.md section 4).
//!
//! Every export made with [`hook!`]:
//! - passes straight through to the real function when this thread is already inside the shim
//!   (depth guard), on the engine thread, or when the shim is disabled;
//! - runs its body under `catch_unwind`: a panic becomes errno EIO and a log line, never an
//!   unwind into C;
//! - preserves errno on success: the body returns `Ok(value)` (errno restored to its value at
//!   entry) or `Err(errno)` (errno set, -1 returned).

use crate::stack::sys;
use std::cell::Cell;

thread_local! {
    /// >0 while this thread is inside a hook; the engine thread keeps it permanently raised.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Mark the calling thread as one whose hooked calls always pass through (the engine thread).
pub fn pass_through_forever() {
    DEPTH.with(|d| d.set(1 << 30));
}

/// Enter a hook: false when the call must pass straight through.
#[inline]
pub fn enter() -> bool {
    DEPTH.with(|d| {
        if d.get() != 0 {
            false
        } else {
            d.set(1);
            sys::hook_call(true);
            true
        }
    })
}

/// Leaves the hook when dropped.
pub struct Depth;

impl Drop for Depth {
    #[inline]
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(0));
        sys::hook_call(false);
    }
}

/// A hook's result: a value, or an errno for a -1 return.
pub type HookResult<T> = Result<T, i32>;

/// Return types of hooked functions: the value of a failure.
pub trait Failure: Copy {
    fn failure() -> Self;
    fn is_failure(self) -> bool;
}

impl Failure for libc::c_int {
    fn failure() -> Self {
        -1
    }
    fn is_failure(self) -> bool {
        self == -1
    }
}

impl Failure for libc::ssize_t {
    fn failure() -> Self {
        -1
    }
    fn is_failure(self) -> bool {
        self == -1
    }
}

/// Turn the return of a real libc call into a [`HookResult`] (errno read on failure).
#[inline]
pub fn check<T: Failure>(r: T) -> HookResult<T> {
    if r.is_failure() {
        Err(sys::errno())
    } else {
        Ok(r)
    }
}

/// Run a hook body: catch panics, manage errno.
#[inline]
pub fn run<T: Failure>(name: &str, body: impl FnOnce() -> HookResult<T>) -> T {
    let saved = sys::errno();
    let _depth = Depth;
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(Ok(v)) => {
            sys::set_errno(saved);
            v
        }
        Ok(Err(e)) => {
            sys::set_errno(e);
            T::failure()
        }
        Err(_) => {
            tracing::error!(hook = name, "panic inside the shim; returning EIO");
            sys::set_errno(libc::EIO);
            T::failure()
        }
    }
}

/// Define an exported hook. The body runs only when [`enter`] admits it, otherwise the real
/// function of the same name (in `stack::sys`) is called with the same arguments. Until the
/// process has an SCTP socket (`fdmap::ANY_SCTP`), every hook but those marked `@always`
/// (socket(), which makes the first one) calls the real function at once: one relaxed load,
/// no thread-local or errno work, for programs that never use SCTP.
#[cfg_attr(test, allow(unused_macros))]
macro_rules! hook {
    (@always $(#[$m:meta])* fn $name:ident($($arg:ident: $t:ty),* $(,)?) -> $ret:ty $body:block) => {
        $crate::shim::hook::hook!(@gated true; $(#[$m])* fn $name($($arg: $t),*) -> $ret $body);
    };
    (@gated $open:expr; $(#[$m:meta])* fn $name:ident($($arg:ident: $t:ty),*) -> $ret:ty $body:block) => {
        $(#[$m])*
        #[no_mangle]
        pub unsafe extern "C" fn $name($($arg: $t),*) -> $ret {
            if !$open || !$crate::shim::hook::enter() {
                return $crate::stack::sys::$name($($arg),*);
            }
            $crate::shim::hook::run(stringify!($name), || -> $crate::shim::hook::HookResult<$ret> {
                $body
            })
        }
    };
    ($(#[$m:meta])* fn $name:ident($($arg:ident: $t:ty),* $(,)?) -> $ret:ty $body:block) => {
        $crate::shim::hook::hook!(
            @gated $crate::stack::fdmap::ANY_SCTP.load(std::sync::atomic::Ordering::Relaxed);
            $(#[$m])* fn $name($($arg: $t),*) -> $ret $body
        );
    };
}

#[cfg_attr(test, allow(unused_imports))]
pub(crate) use hook;
