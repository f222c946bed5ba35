fn main() {
    std::process::exit(ims_preflight::cli::main());
}
