#!/usr/bin/env bash
# One publisher against two, on one `herald serve` (#19: "the server's acknowledged articles/s with two publishers
# at least 1.6x one publisher"). Each publisher waits for each `ok` (article and alerts durable) before sending the
# next; the articles are eval/'s (every one a candidate that the shipped rules analyse in full), from the archive
# bench/archive.sh builds. Each publisher is a process of its own (bench/publish_load.py --processes): threads of
# one Python process take turns at its interpreter lock and are not two independent clients.
# Runs alternate one and two publishers ROUNDS times on one server and print the ratio of medians.
# Usage: bench/publishers.sh [articles per publisher (1500)]     ROUNDS=4 by default; SKIP_BUILD=1 reuses the build; HERALD=path runs another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-1500}
rounds=${ROUNDS:-4}
out=.build-bench/publishers
bodies=.build-bench/archive/eval.jsonl
if [ ! -s "$bodies" ]; then echo "no $bodies: run bench/archive.sh once first" >&2; exit 1; fi
if [ -z "${SKIP_BUILD:-}" ] && [ -z "${HERALD:-}" ]; then
    echo "== build (release)"
    swift build -c release --product herald 2>&1 | tail -1
fi
herald=${HERALD:-.build/release/herald}
rm -rf "$out"
mkdir -p "$out"
"$herald" serve --port 0 --data "$out/data" --certs "$out/certs" --rules Rules --log-level warning --publish-rate 0 \
    >"$out/stdout" 2>"$out/stderr" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$out/stdout" 2>/dev/null && break; sleep 0.2; done
port=$(grep -o "listening on [^ ]*:[0-9]*" "$out/stdout" | grep -o "[0-9]*$")
connections=()
for _ in $(seq "$rounds"); do connections+=(1 2); done
echo "== ${rounds} rounds of one and two publishers, ${articles} articles each (port $port)"
python3 bench/publish_load.py --port "$port" --ca "$out/certs/ca.pem" --processes --articles "$articles" \
    --bodies "$bodies" --connections "${connections[@]}" | tee "$out/runs.txt"
python3 - "$out/runs.txt" <<'PY'
import re, statistics, sys
rates = {1: [], 2: []}
for line in open(sys.argv[1]):
    match = re.match(r"RESULT connections=(\d+) .*articles_per_s=([\d.]+)", line)
    if match: rates[int(match.group(1))].append(float(match.group(2)))
pairs = [two / one for one, two in zip(rates[1], rates[2])]
print("one publisher: " + ", ".join(f"{r:.0f}" for r in rates[1]) + " articles/s")
print("two publishers: " + ", ".join(f"{r:.0f}" for r in rates[2]) + " articles/s")
print("ratio per round: " + ", ".join(f"{p:.2f}" for p in pairs))
print(f"two over one, medians: {statistics.median(rates[2]) / statistics.median(rates[1]):.2f} (target >= 1.6)")
PY
