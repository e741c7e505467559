#!/usr/bin/env python3
"""Joins herald-bench's figures and the peers' into the one table bench/match.sh prints (Markdown, for BENCHMARKS.md).

Usage: table.py HERALD_TSV PEERS_TSV   (peers: corpus<TAB>name<TAB>MB/s<TAB>matches<TAB>build seconds)
"""
import csv
import sys

PEERS = [("ahocorasick", "ahocorasick-rs"), ("hyperscan", "hyperscan"), ("grep", "grep -F -o")]


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        herald = list(csv.DictReader(handle, delimiter="\t"))
    peers = {}
    with open(sys.argv[2], encoding="utf-8") as handle:
        for corpus, name, mbps, matches, build in csv.reader(handle, delimiter="\t"):
            peers[(corpus, name)] = (float(mbps), int(matches), float(build))
    header = ["corpus", "rules", "compile s", "RSS MiB", "Herald MB/s", "articles/s", "cand./article", "alerts"]
    for _, label in PEERS:
        header += [f"{label} MB/s", f"Herald/{label}"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in herald:
        cells = [row["corpus"], row["rules"], row["compile_s"], row["rss_mib"], row["mb_per_s"], row["articles_per_s"],
                 row["candidates_per_article"], row["alerts"]]
        for name, _ in PEERS:
            peer = peers.get((row["corpus"], name))
            if peer is None:
                cells += ["n/a", "n/a"]
            else:
                cells += [f"{peer[0]:.1f}", f"{float(row['mb_per_s']) / peer[0]:.2f}"]
        print("| " + " | ".join(cells) + " |")
    print()
    for (corpus, name), (mbps, matches, build) in sorted(peers.items()):
        print(f"peer {name} on {corpus}: {mbps:.1f} MB/s, {matches} matches, build {build:.2f} s")


if __name__ == "__main__":
    main()
