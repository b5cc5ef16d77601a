//! The access secret's heap bytes are wiped before they are freed.
//!
//! A wrapping global allocator inspects one watched buffer when it is deallocated.
#![allow(unsafe_code)] // `GlobalAlloc` is an unsafe trait, and reading a block before freeing it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use nxlink_auth::{AccessSecret, Credentials};

struct Inspecting;

/// Address of the buffer to inspect on free; 0 when none.
static WATCHED: AtomicUsize = AtomicUsize::new(0);
static SEEN_FREED: AtomicBool = AtomicBool::new(false);
static ALL_ZERO: AtomicBool = AtomicBool::new(false);

unsafe impl GlobalAlloc for Inspecting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ptr as usize == WATCHED.load(Ordering::SeqCst) {
            // The block is still ours until `System.dealloc` below: reading it is sound.
            let bytes = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            ALL_ZERO.store(bytes.iter().all(|&b| b == 0), Ordering::SeqCst);
            SEEN_FREED.store(true, Ordering::SeqCst);
            WATCHED.store(0, Ordering::SeqCst);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Inspecting = Inspecting;

// One test only: the watched address is global state.
#[test]
fn dropping_credentials_wipes_the_secret_including_spare_capacity() {
    let mut secret = String::with_capacity(64);
    secret.push_str("hunter2-hunter2-hunter2");
    let credentials = Credentials::new("AK-1", AccessSecret::new(secret));
    let ptr = credentials.access_secret().expose_secret().as_ptr();
    WATCHED.store(ptr as usize, Ordering::SeqCst);
    drop(credentials);
    assert!(SEEN_FREED.load(Ordering::SeqCst), "secret buffer was not freed");
    assert!(ALL_ZERO.load(Ordering::SeqCst), "secret bytes survived the drop");
}
