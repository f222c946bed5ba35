#!/usr/bin/env bash
# Benchmark: `check --format json` end to end against the single-thread, events-only parse
# floor of the same files with the same parser, at 100, 1 000 and 10 000 files (10 servers
# each). Reports files/s, MB/s, the ratio to the floor (the median of five back-to-back
# rounds), peak RSS and the scaling factor. The floor parses with comment events on (the
# parser's whole event stream); `floor_nc_s` is the same without them (`check` asks for
# comments only in files that contain a suppression marker).
#
#   benches/run.sh [SIZES...]        e.g. benches/run.sh 100 1000
#   SHAPES=detach benches/run.sh 5000 13000
#
# Two corpus shapes (`gen-corpus`): `standard` (servers of 1-3 disks, 2 backups, 2 requests
# and 2 operations a file) and `detach` (`--detach --multi-doc`: servers of 5 disks and 5 VGs
# / 10 LVs, 5 backups, 10 requests, 6 operations a file, one a `detach-disk` of a server in
# another file; one file in ten with two documents). SHAPES picks them (default: both).
#
# Needs GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100 1000 10000}")
[ $# -eq 0 ] && sizes=(100 1000 10000)
cargo build --release --quiet --features bench-tools
bin=target/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shapes=(${SHAPES:-standard detach})
for shape in "${shapes[@]}"; do
case $shape in
  standard) options=() ;;
  detach) options=(--detach --multi-doc) ;;
  *) echo "unknown shape $shape (standard, detach)" >&2; exit 2 ;;
esac
echo "shape: $shape"
printf '%-7s %9s %10s %10s %10s %10s %9s %11s %12s %9s\n' files MB floor_s floor_nc_s check_s med_ratio files/s check_MB/s peak_RSS_MB RSS/MB
prev="" prev_n=""
for n in "${sizes[@]}"; do
  "$bin/gen-corpus" "$work/$n" "$n" 10 1 "${options[@]}" >/dev/null
  bytes=$(du -sb "$work/$n" | cut -f1)
  # Five rounds, each timing the floor and then `check` back to back, so both see the same
  # machine: on a noisy VM the floor itself moves by 15 % between runs. Reported: the best of
  # each, the median of the five per-round ratios, and the largest peak RSS.
  best="" floor="" floor_nc="" rss=0 ratios=""
  for _ in 1 2 3 4 5; do
    f=$("$bin/parse-floor" "$work/$n" | sed -E 's/.* in ([0-9.]+) s.*/\1/')
    if [ -z "$floor" ] || awk "BEGIN{exit !($f < $floor)}"; then floor=$f; fi
    g=$("$bin/parse-floor" "$work/$n" --no-comments | sed -E 's/.* in ([0-9.]+) s.*/\1/')
    if [ -z "$floor_nc" ] || awk "BEGIN{exit !($g < $floor_nc)}"; then floor_nc=$g; fi
    /usr/bin/time -f '%e %M' -o "$work/time" "$bin/ims-preflight" check "$work/$n" --format json -q >/dev/null || true
    read -r wall peak < <(tail -n 1 "$work/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
    if [ "$peak" -gt "$rss" ]; then rss=$peak; fi
    ratios="$ratios $(awk "BEGIN{print $wall / $f}")"
  done
  ratio=$(printf '%s\n' $ratios | sort -g | sed -n 3p)
  awk -v n="$n" -v b="$bytes" -v f="$floor" -v g="$floor_nc" -v c="$best" -v q="$ratio" -v r="$rss" 'BEGIN{
    printf "%-7d %9.1f %10.3f %10.3f %10.3f %10.2f %9.0f %11.1f %12.0f %9.2f\n", n, b/1e6, f, g, c, q, n/c, b/1e6/c, r/1024, r*1024/b }'
  if [ -n "$prev" ]; then
    awk -v a="$prev" -v b="$best" -v m="$prev_n" -v n="$n" \
      'BEGIN{ printf "        %gx the files costs %.1fx the time\n", n/m, b/a }'
  fi
  prev=$best prev_n=$n
  rm -rf "${work:?}/$n"
done
done
