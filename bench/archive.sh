#!/usr/bin/env bash
# Batch matching and backtesting at archive size (#19), in one run on this machine:
#   1. `herald match -` over two JSON-lines archives of about 56 MB each — real news (Reuters-21578, from Debian's
#      weka package) and eval/'s articles (all candidates) — peak memory, CPU-time MB/s with the shipped rules,
#      against an ahocorasick-rs bare scan of the shipped lists' aliases over the same text (PyPI, in a
#      virtualenv), run here too;
#   2. `--jobs 2` against `--jobs 1`, wall time;
#   3. `herald backtest` of the shipped rules over 100,000 archived articles (published to a real `herald serve`).
# Everything lands in .build-bench/archive/ (git-ignored).
# Usage: bench/archive.sh [target MB (56)] [backtest articles (100000)]
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes=${1:-56}
backtest_articles=${2:-100000}
out=.build-bench/archive
mkdir -p "$out"

echo "== build (release)"
swift build -c release --product herald 2>&1 | tail -1
herald=.build/release/herald

echo "== peer: virtualenv with ahocorasick-rs"
if [ ! -x .build-bench/venv/bin/python ]; then python3 -m venv .build-bench/venv; fi
.build-bench/venv/bin/pip install -q ahocorasick-rs
py=.build-bench/venv/bin/python

echo "== real news: Reuters-21578 from Debian's weka package"
if [ ! -s "$out/reuters.txt" ]; then
    (
        cd "$out"
        rm -f weka_*.deb
        { apt-get download weka || { apt-get update -qq && apt-get download weka; }; } >/dev/null 2>&1 && dpkg -x weka_*.deb weka
    ) || echo "weka not available: the real-news archive is skipped"
    arffs=("$out"/weka/usr/share/doc/weka/examples/Reuters*.arff)
    if [ -e "${arffs[0]}" ]; then python3 bench/reuters.py "$out/reuters.txt" "${arffs[@]}"; fi
fi

# Two archives of about the same size: `news` (Reuters stories: few name a listed firm, as on a real wire) and
# `eval` (eval/'s articles: every one is a candidate, the event analysis runs on nearly every sentence). Each
# story is repeated with a numbered first line, so every copy is distinct content.
python3 - "$out" "$megabytes" <<'PY'
import json, os, sys, glob
out, megabytes = sys.argv[1], int(sys.argv[2])
corpora = {"eval": []}
for path in sorted(glob.glob("eval/*/*.txt")):
    lines = [l.strip() for l in open(path, encoding="utf-8")]
    lines = [l for l in lines if l]
    if len(lines) >= 2:
        corpora["eval"].append((lines[0], "\n\n".join(lines[1:])))
if os.path.exists(f"{out}/reuters.txt"):
    corpora["news"] = []
    for line in open(f"{out}/reuters.txt", encoding="utf-8"):
        words = line.split()
        if len(words) > 12:
            corpora["news"].append((" ".join(words[:10]), " ".join(words[10:])))
phrases = set()
for path in glob.glob("Rules/lists/*.list"):
    for line in open(path, encoding="utf-8"):
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("list ") or line.startswith("include "):
            continue
        words = [w for w in line.split() if "=" not in w]
        for alias in " ".join(words).split("|"):
            alias = alias.strip()
            if alias:
                phrases.add(alias)
with open(f"{out}/phrases.txt", "w", encoding="utf-8") as handle:
    handle.write("\n".join(sorted(phrases)) + "\n")
target = megabytes * 1_000_000
for name, stories in corpora.items():
    size, copy = 0, 0
    with open(f"{out}/{name}.jsonl", "w", encoding="utf-8") as archive, open(f"{out}/{name}-bodies.txt", "w", encoding="utf-8") as bodies:
        while size < target:
            for index, (title, body) in enumerate(stories):
                body = f"(Wire copy {copy}-{index}) {body}"
                line = json.dumps({"id": f"c{copy}-{index}", "title": title, "body": body}, ensure_ascii=False) + "\n"
                archive.write(line)
                bodies.write(title + "\n" + body + "\n")
                size += len(line.encode("utf-8"))
            copy += 1
    print(f"{name}: {size / 1e6:.1f} MB, {copy * len(stories)} articles, {len(phrases)} phrases")
PY

measure() {  # label, bytes, command...: prints wall s, user+sys s, max RSS MB
    local label=$1 bytes=$2; shift 2
    /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$@" >/dev/null
    read -r wall user sys rss <"$out/time.txt"
    awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v b="$bytes" \
        'BEGIN { printf "%-30s wall %6.2f s  cpu %6.2f s  %6.1f MB/s of CPU  peak %5.0f MB\n", l, w, u + s, b / 1e6 / (u + s), r / 1024 }'
    echo "$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $rss" >"$out/last.txt"
}

summary=()
for corpus in news eval; do
    [ -s "$out/$corpus.jsonl" ] || continue
    bytes=$(stat -c %s "$out/$corpus.jsonl")
    echo
    echo "== $corpus: herald match, shipped rules, standard input"
    # Three rounds, Herald and the peer in turn, so that both see the same machine (others' builds come and go):
    # the ratio is taken of the medians.
    cpus=()
    peers=()
    for round in 1 2 3; do
        measure "$corpus: match --jobs 1 ($round)" "$bytes" sh -c "$herald match --quiet --jobs 1 --rules Rules - <$out/$corpus.jsonl"
        read -r wall1 cpu rss1 <"$out/last.txt"
        cpus+=("$cpu")
        peer=$("$py" bench/peers.py ahocorasick "$out/phrases.txt" "$out/$corpus-bodies.txt")
        echo "ahocorasick-rs ($round): $peer"
        peers+=("$(echo "$peer" | cut -f2)")
    done
    cpu1=$(printf '%s\n' "${cpus[@]}" | sort -g | sed -n 2p)
    peer_rate=$(printf '%s\n' "${peers[@]}" | sort -g | sed -n 2p)
    measure "$corpus: match --jobs 2" "$bytes" sh -c "$herald match --quiet --jobs 2 --rules Rules - <$out/$corpus.jsonl"
    read -r wall2 _ _ <"$out/last.txt"
    gzip -kf "$out/$corpus.jsonl"
    measure "$corpus: match --jobs 2, .gz" "$bytes" "$herald" match --quiet --jobs 2 --rules Rules "$out/$corpus.jsonl.gz"
    summary+=("$(awk -v c="$corpus" -v b="$bytes" -v c1="$cpu1" -v w1="$wall1" -v w2="$wall2" -v r="$rss1" \
        -v p="$peer_rate" 'BEGIN {
        rate = b / 1e6 / c1
        printf "%s: match %.1f MB/s of CPU, ahocorasick-rs %.1f MB/s (medians of 3), ratio %.2f (target >= 1.0); peak %.0f MB (target < 500); --jobs 2 over --jobs 1, wall %.2fx (target >= 1.7)", c, rate, p, rate / p, r / 1024, w1 / w2
    }')")
done

echo
echo "== backtest of the shipped rules over ${backtest_articles} archived articles"
rm -rf "$out/serve"
mkdir -p "$out/serve"
"$herald" serve --port 0 --data "$out/serve/data" --certs "$out/serve/certs" --rules Rules --log-level warning \
    --publish-rate 0 >"$out/serve/stdout" 2>"$out/serve/stderr" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "listening on" "$out/serve/stdout" 2>/dev/null && break; sleep 0.2; done
port=$(grep -o "listening on [^ ]*:[0-9]*" "$out/serve/stdout" | grep -o "[0-9]*$")
python3 - "$out" "$backtest_articles" <<'PY'
import json, sys
out, count = sys.argv[1], int(sys.argv[2])
lines = [json.loads(l) for l in open(f"{out}/eval.jsonl", encoding="utf-8")]
with open(f"{out}/backtest.jsonl", "w", encoding="utf-8") as handle:
    for index in range(count):
        article = dict(lines[index % len(lines)])
        article["id"] = f"b{index}"
        article["body"] = f"(Archive copy {index}) " + article["body"]
        handle.write(json.dumps(article, ensure_ascii=False) + "\n")
PY
started=$(date +%s.%N)
"$herald" publish --port "$port" --ca "$out/serve/certs/ca.pem" "$out/backtest.jsonl" 2>&1 | tail -1
echo "published in $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
bytes=$(stat -c %s "$out/backtest.jsonl")
measure "backtest --jobs 2" "$bytes" "$herald" backtest --rules Rules --data "$out/serve/data" --since 1d --format json
read -r backtest_wall _ <"$out/last.txt"
kill $server

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
awk -v bw="$backtest_wall" -v n="$backtest_articles" 'BEGIN { printf "backtest of %d articles: %.1f s (target < 60)\n", n, bw }'
