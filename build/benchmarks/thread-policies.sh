#!/usr/bin/env bash
# Two libraries, one process, 2 cores: what each thread-waiting policy costs. For MobileNet v2 and
# v3-small (NHWC, batch 1, 2 threads) it times, side by side over --rounds rounds:
#   - each library alone, back to back (the latency a single-library user sees) under libgomp's default
#     spin, GOMP_SPINCOUNT=20000, and OMP_WAIT_POLICY=passive (both read when libgomp loads: set here
#     in the environment of each run; XNNPACK's loops run on libgomp too, through pthreadpool's API);
# (Both libraries run on one OpenMP team, so a plan that switches library between operations wakes no other pool;
# auto's mix measures the whole plan against each library alone, `net plans` reports it.)
# Usage: build/benchmarks/thread-policies.sh [--rounds R] [--out DIR]   (writes DIR/thread-policies.txt)
set -euo pipefail
source "$(dirname "$0")/../common.sh"
rounds=3
out="$NC_ROOT/artifacts/benchmarks"
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2 ;;
    --out) out=$2 ;;
    *) echo "unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift 2
done
mkdir -p "$out"
cli="$NC_ROOT/artifacts/cli/NativeConv.Cli.dll"
nc_onnx_proto
dotnet build "$NC_ROOT/src/NativeConv.Cli" -c Release -nologo -v quiet -o "$NC_ROOT/artifacts/cli" >&2 # incremental: never a stale CLI
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
report="$out/thread-policies.txt"
: > "$report"
bench() { dotnet "$cli" net bench --threads 2 --min-ms 400 --json "$@" 2>/dev/null; }

for model in v2 v3-small; do
  nc_log "$model: each library alone under three OpenMP wait policies"
  for _ in $(seq "$rounds"); do
    for policy in default GOMP_SPINCOUNT=20000 OMP_WAIT_POLICY=passive; do
      for backend in onednn xnnpack; do
        line=$(if [ "$policy" = default ]; then bench --model "$model" --backend "$backend" --layout nhwc; \
               else env "$policy" dotnet "$cli" net bench --threads 2 --min-ms 400 --json --model "$model" --backend "$backend" --layout nhwc 2>/dev/null; fi)
        echo "$model $policy $line" >> "$work/alone.txt"
      done
    done
  done
done

"$python" - "$work/alone.txt" >> "$report" <<'PY'
import json, sys, statistics
rows = {}
for line in open(sys.argv[1]):
    model, policy, js = line.split(" ", 2)
    d = json.loads(js)
    rows.setdefault((model, policy, d["backend"]), []).append(d["median_us"])
print("Each library alone, back to back (median of rounds, µs per call, NHWC, batch 1, 2 threads):")
print("| network | backend | libgomp default spin | GOMP_SPINCOUNT=20000 | OMP_WAIT_POLICY=passive |")
print("|---|---|---|---|---|")
for model in ("v2", "v3-small"):
    for backend in ("onednn", "xnnpack"):
        cells = [statistics.median(rows[(model, p, backend)]) for p in ("default", "GOMP_SPINCOUNT=20000", "OMP_WAIT_POLICY=passive")]
        print(f"| {model} | {backend} | " + " | ".join(f"{c:.0f}" for c in cells) + " |")
PY
cat "$report"
