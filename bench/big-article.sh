#!/usr/bin/env bash
# Matching time against article size (#17 item 2): one article whose body repeats a matching sentence, at 0.1 to
# 5 MB, through `herald match` (release build). The time of a run on a one-sentence article (start-up and rule
# compilation) is taken off each; prints seconds and seconds per MB for each size, and the ratio of the largest
# per-MB cost to the smallest: linear matching keeps it near 1.
# Usage: bench/big-article.sh   (writes under .build-bench/big/, git-ignored)
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-bench/big
mkdir -p "$out"
echo "== build (release, herald)"
swift build -c release --product herald --scratch-path .build-bench -j 1 2>&1 | tail -1
herald=.build-bench/release/herald
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
sentence = "Alibaba said the company has opened an AI lab in Seattle, which Tencent denied. "
with open(f"{out}/0.jsonl", "w") as f:
    f.write(json.dumps({"id": "0", "title": "big", "body": sentence}) + "\n")
for mb in ("0.1", "0.5", "1", "2", "5"):
    count = int(float(mb) * 1e6 / len(sentence))
    with open(f"{out}/{mb}.jsonl", "w") as f:
        f.write(json.dumps({"id": mb, "title": "big", "body": sentence * count}) + "\n")
PY
echo "== herald match, one article per size (CPU seconds, user + sys, less the start-up run)"
TIMEFORMAT='%U %S'
cpu() { { time "$herald" match --rules Rules "$1" >/dev/null; } 2>&1 | awk '{print $1 + $2}'; }
base=$(cpu "$out/0.jsonl")
echo "start-up (one sentence): $base s"
printf "%-6s %10s %10s\n" MB seconds "s per MB"
results=()
for mb in 0.1 0.5 1 2 5; do
    seconds=$(awk -v t="$(cpu "$out/$mb.jsonl")" -v b="$base" 'BEGIN { printf "%.3f", t - b }')
    per=$(awk -v s="$seconds" -v m="$mb" 'BEGIN { printf "%.3f", s / m }')
    printf "%-6s %10s %10s\n" "$mb" "$seconds" "$per"
    results+=("$per")
done
printf '%s\n' "${results[@]}" | sort -n | awk 'NR == 1 { low = $1 } { high = $1 } END { printf "per-MB cost, highest / lowest: %.2f\n", high / low }'
