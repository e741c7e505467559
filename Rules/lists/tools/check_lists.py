#!/usr/bin/env python3
"""Sanity-check the gazetteer list files in Rules/lists/ (format only; the Swift engine is the real parser).

Usage (from the repository root):  python3 Rules/lists/tools/check_lists.py [FILE ...]

Checks, for every file (default: Rules/lists/*.list):
  * every line is blank, a comment, a `list NAME [option=value ...]` header, or an entry;
  * header names are A-Z/0-9/_, options are kind=entity|term, case=smart|sensitive|insensitive,
    inflect=none|verb|noun, and no list name is used twice;
  * entries: non-empty aliases, attributes written key=value, lines shorter than 200 characters;
  * no two entries of one list can match the same text: aliases are compared token by token the way smart case
    matches them (a lowercase alias matches any case; any alias matches its ALL CAPS form);
  * CN_FIRM: country=CN|HK, a known sector, the canonical names the rules rely on;
  * US_PLACE: level=country|state|region|city, country=US, state= on every non-country entry, population= on
    cities.
Exit status 1 if any check fails. Warnings (aliases of one list that also appear in another) do not fail.
"""

from __future__ import annotations

import glob
import os
import re
import sys
import unicodedata
from collections import defaultdict

NAME_RE = re.compile(r"^[A-Z0-9_]+$")
OPTIONS = {"kind": {"entity", "term"}, "case": {"smart", "sensitive", "insensitive"},
           "inflect": {"none", "verb", "noun"}}
ATTR_RE = re.compile(r'^([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|[^\s"]+)$')
SECTORS = {"ai", "internet", "ecommerce", "hardware", "semiconductor", "autonomous", "ev", "fintech", "gaming", "cloud",
           "telecom", "biotech"}
REQUIRED_FIRMS = ["Alibaba", "Tencent", "Baidu", "ByteDance", "Huawei", "Zhipu AI", "Moonshot AI", "DeepSeek",
                  "SenseTime", "Xiaomi", "Meituan", "JD.com", "Pony.ai", "MiniMax", "iFlytek", "Pinduoduo", "Temu",
                  "Shein", "NetEase", "Kuaishou", "Didi", "NIO", "XPeng", "Li Auto", "BYD", "WeRide",
                  "Horizon Robotics", "Unitree", "DJI", "Lenovo", "ZTE", "Xiaohongshu", "Trip.com", "Ant Group",
                  "Baichuan", "01.AI", "StepFun", "Megvii", "Cambricon"]


def is_cjk(ch: str) -> bool:
    v = ord(ch)
    return (0x3040 <= v <= 0x30FF or 0x3400 <= v <= 0x4DBF or 0x4E00 <= v <= 0x9FFF or 0xAC00 <= v <= 0xD7AF
            or 0xF900 <= v <= 0xFAFF or 0x20000 <= v <= 0x2FA1F)


def is_word(ch: str) -> bool:
    if is_cjk(ch):
        return False
    return ch.isalnum() or unicodedata.category(ch) in ("Mn", "Mc", "Me", "Nd")


def tokenize(text: str) -> list[str]:
    """A close copy of HeraldRules' Tokenizer, enough to compare aliases."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    out, i, n = [], 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if is_cjk(ch):
            out.append(ch)
            i += 1
            continue
        if is_word(ch):
            j = i
            while j < n:
                c = text[j]
                if is_word(c):
                    j += 1
                    continue
                if j + 1 >= n or j == i:
                    break
                nxt = text[j + 1]
                if c == "'":
                    possessive = nxt in "sS" and (j + 2 >= n or not is_word(text[j + 2]))
                    if possessive or not nxt.isalpha():
                        break
                    j += 1
                    continue
                if c == "." and is_word(nxt):
                    j += 1
                    continue
                if c == "," and text[j - 1].isdigit() and nxt.isdigit():
                    j += 1
                    continue
                break
            word = text[i:j]
            if j < n and text[j] == "." and re.fullmatch(r"[^\W\d_](\.[^\W\d_])+", word):
                j += 1
                word = text[i:j]
            out.append(word)
            i = j
            if i + 1 < n and text[i] == "'" and text[i + 1] in "sS" and (i + 2 >= n or not is_word(text[i + 2])):
                out.append("'s")
                i += 2
            continue
        out.append(ch)
        i += 1
    return out


def split_comment(line: str) -> str:
    """Drop a trailing ' # comment' that is outside double quotes."""
    in_quote = False
    for k, ch in enumerate(line):
        if ch == '"':
            in_quote = not in_quote
        elif ch == "#" and not in_quote and (k == 0 or line[k - 1] in " \t"):
            return line[:k].rstrip()
    return line.rstrip()


def parse_entry(body: str):
    """Split 'a | b | c    k=v k2="x y"' into aliases and attributes."""
    # Peel key=value tokens off the end.
    attrs = []
    rest = body
    while True:
        m = re.search(r'\s([A-Za-z_][A-Za-z0-9_]*=(?:"[^"]*"|[^\s"|]+))\s*$', rest)
        if not m:
            break
        attrs.insert(0, m.group(1))
        rest = rest[:m.start()]
    aliases = []
    for part in re.findall(r'(?:"[^"]*"|[^|])+', rest):
        a = part.strip()
        if a.startswith('"') and a.endswith('"') and len(a) >= 2:
            a = a[1:-1]
        aliases.append(a)
    if rest.strip().endswith("|") or rest.strip().startswith("|") or "||" in rest.replace(" ", ""):
        aliases.append("")
    return aliases, attrs


def main(argv: list[str]) -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    files = argv or sorted(glob.glob(os.path.join(here, "..", "*.list")))
    errors: list[str] = []
    warnings: list[str] = []
    lists: dict[str, dict] = {}
    for path in files:
        rel = os.path.relpath(path)
        current = None
        with open(path, encoding="utf-8") as f:
            for no, raw in enumerate(f, 1):
                raw = raw.rstrip("\n")
                where = f"{rel}:{no}"
                if len(raw) >= 200:
                    errors.append(f"{where}: line is {len(raw)} characters")
                if "\t" in raw:
                    warnings.append(f"{where}: tab character")
                line = raw.strip()
                if not line or line.startswith("#"):
                    continue
                line = split_comment(line)
                if line.startswith("list ") or line == "list":
                    parts = line.split()
                    name = parts[1] if len(parts) > 1 else ""
                    if not NAME_RE.match(name):
                        errors.append(f"{where}: bad list name {name!r}")
                    if name in lists:
                        errors.append(f"{where}: list {name} defined twice")
                    opts = {}
                    for opt in parts[2:]:
                        k, _, v = opt.partition("=")
                        if k not in OPTIONS or v not in OPTIONS[k]:
                            errors.append(f"{where}: bad option {opt!r}")
                        opts[k] = v
                    current = {"name": name, "file": rel, "options": opts, "entries": []}
                    lists[name] = current
                    continue
                if current is None:
                    errors.append(f"{where}: entry before any list header")
                    continue
                aliases, attrs = parse_entry(line)
                if not aliases or any(not a for a in aliases):
                    errors.append(f"{where}: empty alias in {line!r}")
                for a in aliases:
                    if any(c in a for c in "=|#") and f'"{a}"' not in line:
                        errors.append(f"{where}: alias {a!r} must be quoted")
                attr_map = {}
                for at in attrs:
                    if not ATTR_RE.match(at):
                        errors.append(f"{where}: bad attribute {at!r}")
                    k, _, v = at.partition("=")
                    if k in attr_map:
                        errors.append(f"{where}: attribute {k} given twice")
                    attr_map[k] = v.strip('"')
                current["entries"].append({"where": where, "aliases": aliases, "attrs": attr_map})

    for name, lst in lists.items():
        case = lst["options"].get("case", "smart")
        # Key under which two aliases could match the same text.
        seen: dict[tuple, tuple[str, str]] = {}
        for e in lst["entries"]:
            canonical = e["aliases"][0]
            for a in e["aliases"]:
                toks = tokenize(a)
                if not toks:
                    errors.append(f"{e['where']}: alias {a!r} has no tokens")
                    continue
                if case == "sensitive":
                    key = tuple(toks)
                else:
                    # smart: lowercase aliases match any case, others match as written and in ALL CAPS;
                    # both meet on the upper-cased form.
                    key = tuple(t.upper() for t in toks)
                if key in seen and seen[key][0] != canonical:
                    errors.append(f"{e['where']}: alias {a!r} of {canonical!r} can match the same text as "
                                  f"{seen[key][1]!r} of {seen[key][0]!r} (list {name})")
                else:
                    seen.setdefault(key, (canonical, a))
        lst["keys"] = seen

    if "CN_FIRM" in lists:
        canon = set()
        for e in lists["CN_FIRM"]["entries"]:
            canon.add(e["aliases"][0])
            a = e["attrs"]
            if a.get("country") not in ("CN", "HK"):
                errors.append(f"{e['where']}: country must be CN or HK")
            if a.get("sector") not in SECTORS:
                errors.append(f"{e['where']}: bad sector {a.get('sector')!r}")
            if set(a) - {"country", "sector", "hq"}:
                errors.append(f"{e['where']}: unexpected attributes {sorted(set(a) - {'country', 'sector', 'hq'})}")
        for firm in REQUIRED_FIRMS:
            if firm not in canon:
                errors.append(f"CN_FIRM: missing canonical name {firm!r}")
    if "US_PLACE" in lists:
        for e in lists["US_PLACE"]["entries"]:
            a = e["attrs"]
            level = a.get("level")
            if level not in ("country", "state", "region", "city"):
                errors.append(f"{e['where']}: bad level {level!r}")
            if a.get("country") != "US":
                errors.append(f"{e['where']}: country must be US")
            if level != "country" and not re.fullmatch(r"[A-Z]{2}", a.get("state", "")):
                errors.append(f"{e['where']}: missing state=XX")
            if level == "city" and not a.get("population", "").isdigit():
                errors.append(f"{e['where']}: city without population")

    # Aliases shared between lists (not an error: entity lists hide shorter hits, but worth a look).
    owners = defaultdict(list)
    for name, lst in lists.items():
        for key, (canonical, alias) in lst.get("keys", {}).items():
            owners[key].append(f"{name}:{canonical}")
    for key, who in sorted(owners.items()):
        if len(who) > 1:
            warnings.append(f"alias {' '.join(key)!r} is in several lists: {', '.join(who)}")

    for name, lst in lists.items():
        n_alias = sum(len(e["aliases"]) for e in lst["entries"])
        opts = " ".join(f"{k}={v}" for k, v in lst["options"].items())
        print(f"{lst['file']}: list {name} {opts}: {len(lst['entries'])} entries, {n_alias} aliases")
    for w in warnings:
        print(f"warning: {w}")
    for err in errors:
        print(f"error: {err}")
    print(f"{len(errors)} errors, {len(warnings)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
