/// mimalloc: the checker allocates millions of small tree nodes; measured faster and leaner
/// than the system allocator on the benchmark corpus (see README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    return_memory_promptly();
    std::process::exit(ims_preflight::cli::main());
}

/// By default mimalloc commits its arenas up front and keeps freed pages for a second before
/// giving them back. A large run frees each file's tree right after building its entities, so
/// that kept memory was a fifth of its peak RSS: on the 10 000-file benchmark, committing on
/// demand and returning freed pages after 10 ms gave 129 MB instead of 163 MB at the same
/// speed (returning them at once saves 4 MB more but costs 5 % in time), and a small run
/// needs 8 MB instead of 19 MB. A user's own `MIMALLOC_*` settings still win.
extern "C" fn return_memory_promptly() {
    // Option numbers from mimalloc.h's `mi_option_e`, the same in mimalloc 2 and 3 (the
    // crate's named constants follow an older list).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is a plain store into mimalloc's option table, valid at any
    // time, even before mimalloc initialises (an option set stays set).
    unsafe {
        if !user_set(c"MIMALLOC_ARENA_EAGER_COMMIT") {
            libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        }
        if !user_set(c"MIMALLOC_PURGE_DELAY") {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
        }
    }
}

/// The environment sets this variable. Read with the C library, without allocating: the
/// constructor below runs before the first allocation, which is the point of it.
#[cfg(unix)]
fn user_set(name: &std::ffi::CStr) -> bool {
    unsafe extern "C" {
        fn getenv(name: *const std::ffi::c_char) -> *const std::ffi::c_char;
    }
    // SAFETY: `name` is a valid NUL-terminated string; nothing else in the process writes the
    // environment while constructors run or while `main` starts.
    unsafe { !getenv(name.as_ptr()).is_null() }
}

#[cfg(not(unix))]
fn user_set(name: &std::ffi::CStr) -> bool {
    std::env::var_os(name.to_string_lossy().as_ref()).is_some()
}

/// mimalloc reserves its first arena at the first allocation, which the Rust runtime makes
/// before `main`: on Linux the options are also set by an ELF constructor, which runs before
/// the runtime starts (mimalloc reads its options lazily, so its own constructor running first
/// does not matter).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static RETURN_MEMORY_PROMPTLY: extern "C" fn() = return_memory_promptly;
