#!/usr/bin/env bash
# Bounded fuzz smoke run: every target for SECONDS (default 60), seeded from the test fixtures.
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain RUSTC_BOOTSTRAP=1 lets
# cargo-fuzz pass its -Z flags. A crash leaves its input in fuzz/artifacts/<target>/: add it to
# tests/fixtures/fuzz-regressions/ as a regression test.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
export RUSTC_BOOTSTRAP=1
for target in yaml json check config facts; do
  corpus="corpus/$target"
  mkdir -p "$corpus"
  case $target in
    yaml|check) find ../tests/fixtures ../examples -name '*.yaml' -size -64k -exec cp {} "$corpus/" \; ;;
    json) find ../tests/fixtures ../examples -name '*.json' -size -64k -exec cp {} "$corpus/" \; ;;
    config) cp ../rules/*.yaml ../examples/policy/*.yaml "$corpus/" ;;
    facts) find ../tests/fixtures -path '*facts*' -type f -size -64k -exec cp {} "$corpus/" \; ;;
  esac
  echo "== fuzz $target for ${seconds}s"
  cargo fuzz run "$target" "$corpus" -- -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048
done
echo "fuzz smoke: no crash"
