#!/usr/bin/env bash
# The matching benchmark (BENCHMARKS.md): builds herald-bench once in release, runs it on the generated corpus
# (and on Reuters-21578 when Debian's weka package can be fetched), then runs the peers on the same corpus and the
# same phrase set: ahocorasick-rs and hyperscan (PyPI, in a virtualenv) and grep -F -o. Prints one table.
# Everything it writes is under .build-bench/ (git-ignored). Usage: bench/match.sh [herald-bench options]
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build-bench
mkdir -p "$out"

echo "== build (release, herald-bench only)"
swift build -c release --product herald-bench --scratch-path "$out" -j 1 2>&1 | tail -1
bench_bin="$out/release/herald-bench"

echo "== peers: virtualenv with ahocorasick-rs and hyperscan"
if [ ! -x "$out/venv/bin/python" ]; then
    python3 -m venv "$out/venv" 2>/dev/null || {
        apt-get install -y python3-venv >/dev/null
        python3 -m venv "$out/venv"
    }
fi
"$out/venv/bin/pip" install -q ahocorasick-rs hyperscan
py="$out/venv/bin/python"

echo "== real text: Reuters-21578 from Debian's weka package"
real_args=()
if [ ! -s "$out/reuters.txt" ]; then
    (
        cd "$out"
        rm -f weka_*.deb
        apt-get download weka >/dev/null 2>&1 && dpkg -x weka_*.deb weka
    ) || echo "weka not available: skipping real text"
    arffs=("$out"/weka/usr/share/doc/weka/examples/Reuters*.arff)
    if [ -e "${arffs[0]}" ]; then "$py" bench/reuters.py "$out/reuters.txt" "${arffs[@]}"; fi
fi
if [ -s "$out/reuters.txt" ]; then real_args=(--real "$out/reuters.txt"); fi

echo "== herald-bench match"
"$bench_bin" match --out "$out" "${real_args[@]}" "$@"

echo "== peers (bare scan of the same corpus for the same phrases; CPU time)"
peers="$out/peers.tsv"
: >"$peers"
run_peers() {  # corpus-name file
    local name=$1 file=$2
    for peer in ahocorasick hyperscan; do
        printf '%s\t' "$name" >>"$peers"
        "$py" bench/peers.py "$peer" "$out/phrases.txt" "$file" >>"$peers"
    done
    # grep: CPU seconds (user+sys) of grep alone, matches counted from its output.
    local started count seconds bytes
    bytes=$(stat -c %s "$file")
    TIMEFORMAT='%U %S'
    { time LC_ALL=C grep -F -o -f "$out/phrases.txt" "$file" >"$out/grep.out"; } 2>"$out/grep.time" || true
    count=$(wc -l <"$out/grep.out")
    seconds=$(awk '{print $1 + $2}' "$out/grep.time")
    awk -v n="$name" -v b="$bytes" -v s="$seconds" -v c="$count" 'BEGIN { printf "%s\tgrep\t%.2f\t%d\t0\n", n, b / 1e6 / s, c }' >>"$peers"
    rm -f "$out/grep.out"
}
run_peers generated "$out/corpus.txt"
if [ -s "$out/reuters.txt" ]; then run_peers reuters "$out/reuters.txt"; fi

echo
echo "== results (MB/s on one core; Herald = full evaluation, peers = bare scan)"
"$py" bench/table.py "$out/herald.tsv" "$peers" | tee "$out/table.md"
