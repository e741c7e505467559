#!/usr/bin/env python3
"""Summarise lg_probe output: accuracy overall / per phenomenon, attachment confusion, timing.
usage: score.py results.tsv [results2.tsv ...]   (several files = repeated runs; timing pooled per sentence by median)"""
import csv, statistics, sys, collections

runs = [list(csv.DictReader(open(p), delimiter='\t')) for p in sys.argv[1:]]
rows = runs[0]
ms = {r['id']: statistics.median(float(run[i]['ms']) for run in runs) for i, r in enumerate(rows)}
n = len(rows)
a = sum(int(r['agent_ok']) for r in rows); t = sum(int(r['attach_ok']) for r in rows)
print(f"sentences {n}: agent {a}/{n} ({100*a/n:.0f}%), attachment {t}/{n} ({100*t/n:.0f}%), both {sum(int(r['agent_ok']) and int(r['attach_ok']) for r in rows)}/{n}")
conf = collections.Counter((r['gold_attached'], r['pred_attached']) for r in rows)
print("attachment gold/pred: " + ", ".join(f"{g}->{p} {c}" for (g, p), c in sorted(conf.items())))
ga = [r for r in rows if r['gold_agent'] != '-']
print(f"agent when gold names a firm: {sum(int(r['agent_ok']) for r in ga)}/{len(ga)}; when gold is '-': "
      f"{sum(int(r['agent_ok']) for r in rows if r['gold_agent']=='-')}/{n-len(ga)}")
print(f"null links (no complete linkage): {sum(int(r['null_count'])>0 for r in rows)}/{n}; timer expired: {sum(int(r['timer_expired']) for r in rows)}")
print("\n| phenomenon | n | agent | attachment |\n|---|---|---|---|")
by = collections.defaultdict(list)
for r in rows: by[r['phenomenon']].append(r)
for ph, rs in by.items():
    print(f"| {ph} | {len(rs)} | {sum(int(r['agent_ok']) for r in rs)}/{len(rs)} | {sum(int(r['attach_ok']) for r in rs)}/{len(rs)} |")
v = sorted(ms.values())
p90 = v[min(len(v)-1, int(round(0.9*len(v)+0.5))-1)]
print(f"\nms/sentence (median over {len(runs)} run(s)): median {statistics.median(v):.2f}, p90 {p90:.2f}, max {v[-1]:.2f} ({max(ms, key=ms.get)}), total {sum(v):.0f}")
print("\nfailures:")
for r in rows:
    if r['agent_ok'] != '1' or r['attach_ok'] != '1':
        print(f"  {r['id']} [{r['phenomenon']}] agent {r['pred_agent']} (gold {r['gold_agent']}), attached {r['pred_attached']} (gold {r['gold_attached']}), null={r['null_count']}, head={r['subject_head']}; {r['note']}")

# Context: two trivial baselines on the same gold (no parser): agent = the first firm named in the
# sentence; attached = "yes" always.
import os, re
here = os.path.dirname(os.path.abspath(__file__))
gold = {r['id']: r for r in csv.DictReader(open(os.path.join(here, 'sentences.tsv' if rows[0]['id'].startswith('s') else 'long.tsv')), delimiter='\t')}
firms = [l.strip() for l in open(os.path.join(here, 'firms.txt')) if l.strip() and not l.startswith('#')]
ok = 0
for i, g in gold.items():
    hits = sorted((m.start(), f) for f in firms for m in re.finditer(r'\b' + re.escape(f) + r'\b', g['sentence']))
    ok += (hits[0][1] if hits else '-') == g['agent']
print(f"\nbaselines: first-firm agent {ok}/{len(gold)}; always-attached {sum(g['place_attached']=='yes' for g in gold.values())}/{len(gold)}")
