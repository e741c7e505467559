#!/usr/bin/env python3
"""Peers for bench/match.sh: a bare multi-pattern scan of the corpus for the phrase set, timed on CPU.

Usage: peers.py ahocorasick|hyperscan PHRASES CORPUS
Prints one line: name<TAB>MB/s<TAB>matches<TAB>build seconds. Only the scan is timed (build reported apart),
which is the figure Herald's full evaluation is compared against.
"""
import sys
import time


def run_ahocorasick(phrases, data):
    from ahocorasick_rs import AhoCorasick, MatchKind

    started = time.process_time()
    automaton = AhoCorasick(phrases, matchkind=MatchKind.LeftmostLongest)
    build = time.process_time() - started
    text = data.decode("utf-8")
    started = time.process_time()
    count = len(automaton.find_matches_as_indexes(text))
    return time.process_time() - started, count, build


def run_hyperscan(phrases, data):
    import hyperscan

    started = time.process_time()
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    expressions = [p.encode("utf-8") for p in phrases]
    database.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions), literal=True)
    build = time.process_time() - started
    count = 0

    def on_match(_id, _start, _end, _flags, _context):
        nonlocal count
        count += 1

    started = time.process_time()
    database.scan(data, match_event_handler=on_match)
    return time.process_time() - started, count, build


def main():
    name, phrases_path, corpus_path = sys.argv[1:4]
    with open(phrases_path, encoding="utf-8") as handle:
        phrases = [line.rstrip("\n") for line in handle if line.strip()]
    with open(corpus_path, "rb") as handle:
        data = handle.read()
    seconds, count, build = {"ahocorasick": run_ahocorasick, "hyperscan": run_hyperscan}[name](phrases, data)
    print(f"{name}\t{len(data) / 1e6 / seconds:.2f}\t{count}\t{build:.2f}")


if __name__ == "__main__":
    main()
