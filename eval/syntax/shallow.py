#!/usr/bin/env python3
"""Scores Herald's shallow clause analysis (the `event` clause) on the sentences lg_probe.c was scored on, with the
same gold columns: is the agent of the gold verb the gold firm, and does the gold place locate the event?

usage: eval/syntax/shallow.py [HERALD_BINARY]    (from the repository root; default .build/debug/herald)
Prints one line per sentence set, in score.py's terms, and the time herald took for the whole set."""
import csv, json, os, subprocess, sys, tempfile, time

herald = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/herald"
here = os.path.dirname(os.path.abspath(__file__))
firms = [l.strip() for l in open(os.path.join(here, "firms.txt")) if l.strip() and not l.startswith("#")]

def score(path):
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    places = sorted({r["place"] for r in rows if r["place"] not in ("", "-")})
    verbs = sorted({r["verb"] for r in rows if r["verb"] not in ("", "-")})
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "lists.list"), "w") as f:
            f.write("list FIRM kind=entity case=sensitive\n" + "\n".join(firms) + "\n")
            f.write("list PLACE kind=entity case=sensitive\n" + "\n".join(places) + "\n")
            f.write("list VERB case=sensitive\n" + "\n".join(verbs) + "\n")
        with open(os.path.join(folder, "probe.rules"), "w") as f:
            f.write('include "lists.list"\ninclude "%s/Rules/lists/units.list"\n' % os.getcwd())
            f.write("""rule agent
    title "agent"
    let firm = @FIRM
    let verb = @VERB
    require firm and verb
    event verb agent firm
    factuality any
    emit firm=firm, verb=verb.text
    dedup firm, verb
rule attach
    title "attach"
    let verb  = @VERB
    let place = @PLACE
    let team  = @TEAM near verb within 45
    require verb and place
    event verb object team at place
    factuality any
    emit verb=verb.text, place=place
    dedup verb, place
""")
        with open(os.path.join(folder, "in.jsonl"), "w") as f:
            for r in rows:
                f.write(json.dumps({"id": r["id"], "title": "", "body": r["sentence"]}) + "\n")
        started = time.perf_counter()
        out = subprocess.run([herald, "match", "--rules", folder, os.path.join(folder, "in.jsonl")],
                             capture_output=True, text=True)
        elapsed = time.perf_counter() - started
    if out.returncode != 0:
        sys.exit(out.stderr)
    agents, attached = {}, {}
    for line in out.stdout.splitlines():
        alert = json.loads(line)
        article, fields = alert["article"]["id"] if isinstance(alert.get("article"), dict) else alert.get("id"), alert["fields"]
        rule = alert["rule"]
        if rule == "agent":
            agents.setdefault((article, fields["verb"]), set()).add(fields["firm"])
        else:
            attached[(article, fields["verb"], fields["place"])] = True
    agent_ok = attach_ok = both = 0
    failures = []
    for r in rows:
        gold = set() if r["agent"] in ("", "-") else set(r["agent"].split("|"))
        predicted = agents.get((r["id"], r["verb"]), set())
        a = predicted == gold
        g_att = r["place_attached"] == "yes"
        p_att = attached.get((r["id"], r["verb"], r["place"]), False)
        t = g_att == p_att
        agent_ok += a; attach_ok += t; both += a and t
        if not (a and t):
            failures.append(f"  {r['id']} [{r['phenomenon']}] agent {'|'.join(sorted(predicted)) or '-'} (gold {r['agent']}), attached {'yes' if p_att else 'no'} (gold {r['place_attached']})")
    n = len(rows)
    print(f"{os.path.basename(path)}: {n} sentences: agent {agent_ok}/{n} ({100*agent_ok/n:.0f}%), attachment {attach_ok}/{n} ({100*attach_ok/n:.0f}%), both {both}/{n}; herald match on the whole set {elapsed*1000:.0f} ms (one process, rule compile included)")
    print("\n".join(failures))

for name in ("sentences.tsv", "long.tsv"):
    score(os.path.join(here, name))
