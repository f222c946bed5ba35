#!/usr/bin/env bash
# Benchmark: what reading Terraform costs. The same entities (servers with data disks, a CBR
# vault, requests with tags from variables and locals, copies and shares) written once as YAML
# inventories and once as Terraform modules (`gen-corpus --terraform`), checked end to end with
# `check --format json`. Reports the best wall time of each over ROUNDS alternating rounds
# (default 7), the median of the per-round ratios (Terraform / YAML) of wall time and of CPU
# time (user + system: steadier than wall time on a shared VM), peak RSS, and each parser alone
# on one thread (`parse-floor`).
#
#   benches/terraform.sh [SIZES...]     files of SERVERS servers each (default 10); sizes
#                                       default to 100 1000
#   SERVERS=100 benches/terraform.sh 100    the same entities in fewer, larger modules
#
# Needs python3 (each run's CPU time) and GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100 1000}")
[ $# -eq 0 ] && sizes=(100 1000)
rounds=${ROUNDS:-7}
servers=${SERVERS:-10}
cargo build --release --quiet --features bench-tools
bin=target/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-7s %9s %9s %9s %9s %10s %10s %11s %11s %12s %11s\n' files yaml_MB tf_MB yaml_s tf_s med_ratio cpu_ratio yaml_RSS_MB tf_RSS_MB yaml_floor_s hcl_floor_s
for n in "${sizes[@]}"; do
  "$bin/gen-corpus" "$work/$n" "$n" "$servers" 1 --terraform >/dev/null
  # Bytes of the files (not of the directories: a module is one per directory).
  ybytes=$(find "$work/$n/yaml" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  tbytes=$(find "$work/$n/tf" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
  by="" bt="" ry=0 rt=0 ratios="" cpu_ratios=""
  # Wall time, peak RSS (KB, from GNU time, whose own process is small) and user and system
  # CPU time of one run (GNU time's own, about a millisecond, included) from the resource
  # usage in microseconds: GNU time prints CPU time in hundredths of a second, too coarse for
  # the small corpus, and python's own memory would count in a peak RSS it measured (the child
  # it starts shares it until it runs the command).
  run() {
    python3 - "$work/time" "$bin/ims-preflight" "$1" <<'PY'
import resource, subprocess, sys, time
out, binary, path = sys.argv[1:4]
start = time.perf_counter()
subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out, binary, "check", path,
                "--format", "json", "-q"], stdout=subprocess.DEVNULL, check=False)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss = open(out).read().split()[-1]
print(f"{wall:.4f} {rss} {usage.ru_utime:.4f} {usage.ru_stime:.4f}")
PY
  }
  for _ in $(seq "$rounds"); do
    read -r y py yu ys < <(run "$work/$n/yaml")
    read -r t pt tu ts < <(run "$work/$n/tf")
    if [ -z "$by" ] || awk "BEGIN{exit !($y < $by)}"; then by=$y; fi
    if [ -z "$bt" ] || awk "BEGIN{exit !($t < $bt)}"; then bt=$t; fi
    if [ "$py" -gt "$ry" ]; then ry=$py; fi
    if [ "$pt" -gt "$rt" ]; then rt=$pt; fi
    ratios="$ratios $(awk "BEGIN{print $t / ($y > 0 ? $y : 0.001)}")"
    cpu_ratios="$cpu_ratios $(awk "BEGIN{c = $yu + $ys; print ($tu + $ts) / (c > 0 ? c : 0.01)}")"
  done
  median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }
  # shellcheck disable=SC2086 # one ratio a word
  ratio=$(median $ratios)
  # shellcheck disable=SC2086
  cpu_ratio=$(median $cpu_ratios)
  # The parsers alone, on one thread (best of three): what the formats cost before any checking.
  floor() { for _ in 1 2 3; do "$bin/parse-floor" "$@" | awk '{print $(NF-6)}'; done | sort -g | head -n 1; }
  fy=$(floor "$work/$n/yaml" --no-comments)
  ft=$(floor "$work/$n/tf" --hcl)
  awk -v n="$n" -v a="$ybytes" -v b="$tbytes" -v y="$by" -v t="$bt" -v q="$ratio" -v cq="$cpu_ratio" -v ry="$ry" -v rt="$rt" -v fy="$fy" -v ft="$ft" 'BEGIN{
    printf "%-7d %9.1f %9.1f %9.3f %9.3f %10.2f %10.2f %11.0f %11.0f %12.3f %11.3f\n", n, a/1e6, b/1e6, y, t, q, cq, ry/1024, rt/1024, fy, ft }'
  rm -rf "${work:?}/$n"
done
