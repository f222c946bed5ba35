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
/// that kept memory was most of the difference between mimalloc's peak RSS and the system
/// allocator's. Committing on demand and returning freed pages after 10 ms cut the peak RSS of
/// the 10 000-file benchmark by 34 MB (163 -> 129 MB) at the same speed, and a small run's
/// from 19 MB to 8 MB; returning them at once saves 4 MB more but costs 5 % in time.
extern "C" fn return_memory_promptly() {
    // Option numbers from mimalloc.h's `mi_option_e`, the same in mimalloc 2 and 3 (the
    // crate's named constants follow an older list).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: setting an option is a plain store into mimalloc's option table, valid at any
    // time, even before mimalloc initialises (an option set stays set).
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 10);
    }
}

/// The first arena is reserved by the first allocation, before `main`: on ELF targets the
/// options are also set by a constructor, which runs before the Rust runtime allocates.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static RETURN_MEMORY_PROMPTLY: extern "C" fn() = return_memory_promptly;
