/// mimalloc: the checker allocates millions of small tree nodes; measured faster and leaner
/// than the system allocator on the benchmark corpus (see README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(ims_preflight::cli::main());
}
