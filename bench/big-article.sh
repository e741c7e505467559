#!/usr/bin/env bash
# Matching time against article size (#17 item 2): one article whose body repeats a matching sentence, at 0.1 to
# 5 MB, through `herald match` (release build). Prints seconds and seconds per MB for each size, and the ratio of
# the largest per-MB cost to the smallest: linear matching keeps it near 1.
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
for mb in ("0.1", "0.5", "1", "2", "5"):
    count = int(float(mb) * 1e6 / len(sentence))
    with open(f"{out}/{mb}.jsonl", "w") as f:
        f.write(json.dumps({"id": mb, "title": "big", "body": sentence * count}) + "\n")
PY
echo "== herald match, one article per size (CPU seconds, user + sys)"
printf "%-6s %10s %10s\n" MB seconds "s per MB"
results=()
for mb in 0.1 0.5 1 2 5; do
    TIMEFORMAT='%U %S'
    seconds=$( { time "$herald" match --rules Rules "$out/$mb.jsonl" >/dev/null; } 2>&1 | awk '{print $1 + $2}')
    per=$(awk -v s="$seconds" -v m="$mb" 'BEGIN { printf "%.3f", s / m }')
    printf "%-6s %10s %10s\n" "$mb" "$seconds" "$per"
    results+=("$per")
done
awk -v first="${results[0]}" -v last="${results[4]}" 'BEGIN { printf "per-MB cost at 5 MB / at 0.1 MB: %.2f\n", last / first }'
