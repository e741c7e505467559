#!/usr/bin/env bash
# The matching benchmark as an A/B run: herald-bench built at a base revision and at the working tree, run in
# turns on the same options (each in its own checkout, so each reads its own shipped lists), then one table of
# MB/s per size with the ratio head/base. The base defaults to eea0bca, Herald 0.1 before event rules.
# Everything lands in .build-bench/ab/ (git-ignored).
# Usage: bench/match-ab.sh [BASE_REV [herald-bench match options]]   (default options: a 10 MB corpus, 10 and
# 10,000 rules, no corpus files written)
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-eea0bca}
shift || true
args=("$@")
if ((${#args[@]} == 0)); then args=(--corpus-mb 10 --sizes 10,10000 --no-write); fi
out=.build-bench/ab
tree="$out/$(git rev-parse --short "$base")"
mkdir -p "$tree"
if [ ! -f "$tree/Package.swift" ]; then git archive "$base" | tar -x -C "$tree"; fi

echo "== build base $base (release, herald-bench only)"
(cd "$tree" && swift build -c release --product herald-bench --scratch-path .build-bench -j 1 2>&1 | tail -1)
echo "== build head (release, herald-bench only)"
swift build -c release --product herald-bench --scratch-path .build-bench -j 1 2>&1 | tail -1

rm -f "$out"/base-*.txt "$out"/head-*.txt
for round in 1 2 3; do
    echo "== round $round: base"
    (cd "$tree" && .build-bench/release/herald-bench match "${args[@]}") | tee "$out/base-$round.txt"
    echo "== round $round: head"
    .build-bench/release/herald-bench match "${args[@]}" | tee "$out/head-$round.txt"
done

echo
echo "== MB/s (median of 3 rounds, CPU time of the matching thread)"
python3 - "$out" <<'PY'
import glob, re, statistics, sys
out = sys.argv[1]
def rows(kind):
    table = {}
    for path in sorted(glob.glob(f"{out}/{kind}-*.txt")):
        for line in open(path):
            m = re.match(r"^(\d+)\s+[\d.]+ s\s+\d+\s+\(\s*[+-]?\d+\)\s+([\d.]+)\s+\d+\s+[\d.]+\s+(\d+)\s+(\w+)", line)
            if m:
                table.setdefault((m.group(4), int(m.group(1))), []).append((float(m.group(2)), int(m.group(3))))
    return table
base, head = rows("base"), rows("head")
print(f"| corpus | rules | base MB/s | head MB/s | head/base | base alerts | head alerts |")
print(f"|---|---|---|---|---|---|---|")
for key in sorted(set(base) & set(head)):
    b = statistics.median(v for v, _ in base[key]); h = statistics.median(v for v, _ in head[key])
    print(f"| {key[0]} | {key[1]} | {b:.2f} | {h:.2f} | {h / b:.2f} | {base[key][0][1]} | {head[key][0][1]} |")
PY
