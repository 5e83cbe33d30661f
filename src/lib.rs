//! sctpshim: a userland SCTP stack (RFC 9260) over UDP encapsulation (RFC 6951), preloaded into
//! unmodified Linux programs.
//!
//! Layers, dependencies pointing down only (see DESIGN in the README):
//! - [`wire`]: the codec, no state.
//! - [`assoc`]: the sans-IO protocol core.
//! - [`abi`]: the Linux SCTP uapi mirror, no logic.
//! - [`stack`]: the runtime, the only code with a clock and sockets.
//! - [`shim`]: the exported C hooks.

pub mod abi;
pub mod assoc;
pub mod shim;
pub mod stack;
#[cfg(test)]
mod test_rng;
pub mod wire;

/// malloc, with freed blocks of bulk-transfer sizes kept for reuse (stack/big_blocks.rs).
#[global_allocator]
static ALLOCATOR: stack::big_blocks::BigBlocks = stack::big_blocks::BigBlocks::new();
