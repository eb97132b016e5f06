#!/usr/bin/env bash
# Two libraries, one process, 2 cores: what each thread-waiting policy costs. For MobileNet v2 and
# v3-small (NHWC, batch 1, 2 threads) it times, side by side over --rounds rounds:
#   - each library alone, back to back (the latency a single-library user sees) under libgomp's default
#     spin, GOMP_SPINCOUNT=20000, and OMP_WAIT_POLICY=passive (both read when libgomp loads: set here
#     in the environment of each run; XNNPACK's loops run on libgomp too, through pthreadpool's API);
#   - a plan that alternates the libraries convolution by convolution, per operation (`net bench
#     --profile`), against each library alone: the per-layer cost of sharing the cores (one thread team
#     serves both, so a switch wakes nothing).
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
  nc_log "$model: the libraries alternating convolution by convolution, per operation"
  dotnet "$cli" net bench --model "$model" --backend auto --layout nhwc --min-ms 100 --save-plan "$work/$model.plan.json" > /dev/null 2>&1
  # The saved plan, with its backends alternating: oneDNN, XNNPACK, oneDNN, ... (unfused: the comparison is per operation).
  "$python" - "$work/$model.plan.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p["backends"] = ["onednn" if i % 2 == 0 else "xnnpack" for i in range(len(p["backends"]))]
p["chosen"] = "alternating"
p["fuseResidualSums"] = False
p["wholeNetwork"] = False  # auto may have chosen XNNPACK's subgraph runtime: a plan over two backends runs operation by operation
p["measuredMicroseconds"] = {}
json.dump(p, open(sys.argv[1], "w"), indent=1)
PY
  for _ in $(seq "$rounds"); do
    dotnet "$cli" net bench --model "$model" --backend auto --layout nhwc --plan "$work/$model.plan.json" --profile --min-ms 200 2>/dev/null > "$work/$model.alternating.txt"
    for backend in onednn xnnpack; do
      dotnet "$cli" net bench --model "$model" --backend "$backend" --layout nhwc --profile --min-ms 200 2>/dev/null > "$work/$model.$backend.txt"
    done
    "$python" - "$work" "$model" >> "$work/per-layer.txt" <<'PY'
import re, sys
work, model = sys.argv[1], sys.argv[2]
def ops(name):
    rows = []
    for line in open(f"{work}/{model}.{name}.txt"):
        m = re.match(r"\s+([\d.]+) µs\s+[\d.]+%\s+(.*?)\s+\[.*?-> (\w+)", line)
        if m: rows.append((m.group(2), float(m.group(1)), m.group(3)))
    return rows
# A plan the network refused (it then measures and may run whole) would compare the wrong rows: fail loudly.
if "(alternating)" not in open(f"{work}/{model}.alternating.txt").readline():
    sys.exit(f"{model}: the alternating plan was not followed: " + open(f"{work}/{model}.alternating.txt").readline().strip())
alt, one, xnn = ops("alternating"), ops("onednn"), ops("xnnpack")
alone = {"onednn": {n: t for n, t, _ in one}, "xnnpack": {n: t for n, t, _ in xnn}}
ratios = [t / alone[b][n] for n, t, b in alt if b in alone and n in alone[b] and alone[b][n] > 0]
ratios.sort()
total = lambda rows: sum(t for _, t, _ in rows)
print(f"{model}: alternating {total(alt):.0f} us in convolutions and small ops (oneDNN alone {total(one):.0f}, XNNPACK alone {total(xnn):.0f}); "
      f"per convolution, alternating / same library alone: median {ratios[len(ratios)//2]:.2f}, worst {ratios[-1]:.2f}, "
      f"{sum(r > 1.05 for r in ratios)} of {len(ratios)} above 1.05")
PY
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
{ echo; echo "Libraries alternating convolution by convolution (per operation, from --profile):"; cat "$work/per-layer.txt"; } >> "$report"
cat "$report"
