#!/usr/bin/env bash
# Two libraries, one process, 2 cores: what each thread-waiting policy costs. For MobileNet v2 and
# v3-small (NHWC, batch 1, 2 threads) it times, side by side over --rounds rounds:
#   - each library alone, back to back (the latency a single-library user sees) under libgomp's default
#     spin, GOMP_SPINCOUNT=20000, and OMP_WAIT_POLICY=passive (both read when libgomp loads: set here
#     in the environment of each run; XNNPACK's loops run on libgomp too, through pthreadpool's API);
#   - a plan that alternates the libraries convolution by convolution, per operation, against each library
#     alone, all three in one process (`net alternate`): the per-layer cost of sharing the cores (one thread
#     team serves both, so a switch wakes nothing).
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
  nc_log "$model: the libraries alternating convolution by convolution, per operation, in one process"
  # net alternate: oneDNN alone, XNNPACK alone and the two alternating (unfused, operation by operation), profiled in one
  # process in rotating rounds; per convolution the alternating plan over the same library alone, median of rounds.
  dotnet "$cli" net alternate --model "$model" --layout nhwc --threads 2 --rounds $((rounds * 5)) --json 2>/dev/null > "$work/$model.alternate.json"
  "$python" - "$work/$model.alternate.json" >> "$work/per-layer.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"- {d['model']}: alternating {d['alternating_us']:.0f} us in operations (oneDNN alone {d['onednn_us']:.0f}, XNNPACK alone {d['xnnpack_us']:.0f}); "
      f"per convolution, alternating / same library alone (median of {d['rounds']} rounds of {d['calls']} calls): median {d['ratio_median']:.3f}, "
      f"worst {d['ratio_worst']:.2f} ({d['worst']}), {d['above_1_05']} of {d['convolutions']} above 1.05")
above = sorted((c for c in d["per_convolution"] if c["ratio"] > 1.05), key=lambda c: -c["ratio"])
if above:
    print("  - above 1.05: " + ", ".join(f"{c['operation']} [{c['library']}] {c['ratio']:.2f} ({c['alone_us']:.1f} -> {c['alternating_us']:.1f} us)" for c in above))
PY
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
{ echo; echo "Libraries alternating convolution by convolution (per operation, in one process: net alternate):"; cat "$work/per-layer.txt"; } >> "$report"
cat "$report"
