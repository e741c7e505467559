#!/usr/bin/env python3
"""Extracts Reuters-21578 stories from Weka's ARFF examples (Debian package `weka`) into one article per line.

Usage: reuters.py OUT FILE.arff...   Duplicates (the same story in several splits) are written once.
"""
import sys


def stories(path):
    in_data = False
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not in_data:
                in_data = line.strip().lower() == "@data"
                continue
            line = line.rstrip("\n")
            if not line.startswith("'"):
                continue
            end = line.rfind("',")
            raw = line[1:end]
            text = raw.replace("\\n", " ").replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")
            yield " ".join(text.split())


def main():
    out, paths = sys.argv[1], sys.argv[2:]
    seen = set()
    with open(out, "w", encoding="utf-8") as handle:
        for path in paths:
            for story in stories(path):
                if story and story not in seen:
                    seen.add(story)
                    handle.write(story + "\n")
    print(f"reuters: {len(seen)} stories, {sum(len(s.encode()) for s in seen) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
