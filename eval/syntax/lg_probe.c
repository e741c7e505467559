/*
 * lg_probe.c — measure CMU Link Grammar (5.12, C API) on eval/syntax/sentences.tsv.
 *
 * For each sentence: parse, take the first linkage, and answer two questions from its links:
 *   agent:    which firm(s) do the event verb (subject via S links, through the auxiliary /
 *             control chain; coordination via SJ; appositive via MX; passive via the "by" phrase;
 *             a pronoun / "the company" subject of a clause under a saying verb is resolved to
 *             the saying verb's subject).
 *   attached: is the place attached to the event verb or to the unit (the verb's object, the
 *             passive subject or the noun the reduced relative modifies), through a locative
 *             preposition (MV / M / K link to in|at|near|…, J to the place or the noun it
 *             premodifies), or as a premodifier of the unit itself (AN / A / G / GN chain)?
 *
 * Build:  cc -O2 -Wall -o lg_probe lg_probe.c $(pkg-config --cflags --libs link-grammar)
 * Run:    ./lg_probe [-t SECONDS] [-n] [-d DEBUGFILE] sentences.tsv firms.txt > results.tsv
 *         -t sets parse_options_set_max_parse_time; without it the library's default is kept.
 *         -n turns spelling guesses off (default: on, e.g. "chipmaker" is read as "matchmaker").
 *         -d writes every first linkage's links and the probe's reasoning to DEBUGFILE.
 *
 * Output (stdout, TSV): id, pred_agent, pred_attached, gold_agent, gold_attached, agent_ok,
 *   attach_ok, phenomenon, null_count, linkages_found, timer_expired, ms, subject_head, note.
 * Summary lines go to stderr.
 */
#define _POSIX_C_SOURCE 200809L
#include <link-grammar/link-includes.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAXW 256
#define MAXF 128

static char *firms[MAXF];
static int nfirms;

/* ---------- per-linkage state ---------- */
static Linkage L;
static int NW, NL;
static char W[MAXW][128]; /* normalised words: suffix stripped, '_' -> ' ', brackets removed */

/* route the library's messages (some go to stdout by default) to stderr */
static void to_stderr(lg_errinfo *ei, void *data) {
    (void)data;
    char *m = lg_error_formatmsg(ei);
    fputs(m, stderr);
    free(m);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void normalise(const char *in, char *out) {
    size_t n = strlen(in);
    const char *s = in;
    if (n > 2 && s[0] == '[' && s[n - 1] == ']') { s++; n -= 2; } /* null (unlinked) word */
    size_t j = 0;
    for (size_t i = 0; i < n && j < 127; i++) {
        char c = s[i];
        if (i > 0 && (c == '[' || c == '.')) break; /* "opened.v-d", "Alibaba[!]", "Seattle.l" */
        out[j++] = (c == '_') ? ' ' : c;
    }
    out[j] = 0;
}

static int lab(int k, const char *prefix) {
    return strncmp(linkage_get_link_label(L, k), prefix, strlen(prefix)) == 0;
}
static int lw(int k) { return (int)linkage_get_link_lword(L, k); }
static int rw(int k) { return (int)linkage_get_link_rword(L, k); }
static int weq(int i, const char *s) { return i >= 0 && i < NW && strcasecmp(W[i], s) == 0; }

/* Index of the word holding the last token of a multi-word name, or -1.
 * Accepts LG idioms ("Los_Angeles" -> "Los Angeles") and hyphen compounds ("Cupertino-based"). */
static int find_name(const char *name, int from) {
    char buf[256], *tok[16];
    int nt = 0;
    snprintf(buf, sizeof buf, "%s", name);
    for (char *p = strtok(buf, " "); p && nt < 16; p = strtok(NULL, " ")) tok[nt++] = p;
    for (int i = from; i < NW; i++) {
        if (strcasecmp(W[i], name) == 0) return i;
        if (strcasecmp(W[i], tok[nt - 1]) == 0) {
            int ok = 1;
            for (int t = nt - 2, j = i - 1; t >= 0; t--, j--)
                if (j < 0 || strcasecmp(W[j], tok[t]) != 0) { ok = 0; break; }
            if (ok) return i;
        }
        size_t ln = strlen(name);
        if (strncasecmp(W[i], name, ln) == 0 && W[i][ln] == '-') return i;
    }
    return -1;
}

static int firm_at[MAXW]; /* firm id + 1 whose name ends at word i */

static void mark_firms(void) {
    memset(firm_at, 0, sizeof firm_at);
    for (int f = 0; f < nfirms; f++)
        for (int from = 1; from < NW;) {
            int i = find_name(firms[f], from);
            if (i < 0) break;
            firm_at[i] = f + 1;
            from = i + 1;
        }
}

/* ---------- agent ---------- */
/* collect firms reachable from noun-phrase head h (coordination, appositive, "including",
 * "subsidiary of X", proper-noun compounds) */
static void expand(int h, int *out, int *seen) {
    if (h <= 0 || h >= NW || seen[h]) return;
    seen[h] = 1;
    if (firm_at[h]) { out[firm_at[h] - 1] = 1; }
    for (int k = 0; k < NL; k++) {
        int a = lw(k), b = rw(k);
        if (a != h && b != h) continue;
        int o = (a == h) ? b : a;
        if (lab(k, "SJ")) expand(o, out, seen);                 /* X and Y / X, Y and Z */
        else if (!firm_at[h] && (lab(k, "MX") || lab(k, "GN") || (lab(k, "G") && a == h)))
            expand(o, out, seen);                                /* appositive, "its rival X" */
        else if (a == h && lab(k, "M") && (weq(b, "including") || weq(b, "of"))) {
            /* "firms including X, Y and Z"; "a subsidiary / unit / arm of X" */
            if (weq(b, "of") && !(weq(h, "subsidiary") || weq(h, "unit") || weq(h, "arm") ||
                                  weq(h, "division")))
                continue;
            for (int k2 = 0; k2 < NL; k2++)
                if (lw(k2) == b && (lab(k2, "J") || lab(k2, "O"))) expand(rw(k2), out, seen);
        }
    }
}

/* climb from a verb through I / TO / PP / Pg / Pv / VJr links to the word bearing the subject */
static int climb(int v, int *chain, int *nchain) {
    int cur = v, guard = 0;
    for (;;) {
        int moved = 0;
        for (int k = 0; k < NL && !moved; k++) {
            /* coordinated verbs: the left conjunct links rightwards to the conjunction (VJl),
             * the right conjunct leftwards (VJr); the subject then sits on the conjunction */
            if (lw(k) == cur && rw(k) > cur && lab(k, "VJl")) {
                cur = rw(k);
                moved = 1;
                if (chain && *nchain < MAXW) chain[(*nchain)++] = cur;
                continue;
            }
            if (rw(k) != cur || lw(k) >= cur) continue;
            if (lab(k, "I") || lab(k, "TO") || lab(k, "PP") || lab(k, "Pg") || lab(k, "Pv") ||
                lab(k, "VJr")) {
                cur = lw(k);
                moved = 1;
                if (chain && *nchain < MAXW) chain[(*nchain)++] = cur;
            }
        }
        if (!moved || ++guard > 20) return cur;
    }
}

static int subject_of(int top) {
    for (int k = 0; k < NL; k++)
        if (rw(k) == top && lw(k) < top && lab(k, "S") && !lab(k, "SJ")) return lw(k);
    return -1;
}

static int by_agent(int *vg, int nvg, int modnoun, int *out) {
    int seen[MAXW] = {0}, found = 0;
    for (int g = 0; g < nvg; g++)
        for (int k = 0; k < NL; k++)
            /* "by" on the participle (MV), or -- in a reduced relative -- on the noun it modifies
             * (LG often gives "a lab opened by X" as lab-Mp-by) when "by" follows the participle */
            if (((lw(k) == vg[g] && lab(k, "MV")) ||
                 (g == 0 && lw(k) == modnoun && lab(k, "M") && rw(k) > vg[0])) && weq(rw(k), "by"))
                for (int k2 = 0; k2 < NL; k2++)
                    if (lw(k2) == rw(k) && lab(k2, "J")) { expand(rw(k2), out, seen); found = 1; }
    return found;
}

static int any(int *set) {
    for (int f = 0; f < nfirms; f++) if (set[f]) return 1;
    return 0;
}

/* ---------- place ---------- */
static const char *LOC[] = {"in", "at", "near", "inside", "outside", "within", "around", "across", NULL};

static int is_loc_prep(int i, int motion) {
    for (int j = 0; LOC[j]; j++) if (weq(i, LOC[j])) return 1;
    return motion && weq(i, "to");
}

int main(int argc, char **argv) {
    int tmax = -999, nospell = 0;
    const char *dbgpath = NULL;
    int ai = 1;
    while (ai < argc && argv[ai][0] == '-') {
        if (!strcmp(argv[ai], "-t") && ai + 1 < argc) tmax = atoi(argv[++ai]);
        else if (!strcmp(argv[ai], "-d") && ai + 1 < argc) dbgpath = argv[++ai];
        else if (!strcmp(argv[ai], "-n")) nospell = 1;
        ai++;
    }
    if (argc - ai < 2) { fprintf(stderr, "usage: lg_probe [-t S] [-n] [-d DBG] sentences.tsv firms.txt\n"); return 2; }
    FILE *ff = fopen(argv[ai + 1], "r");
    char line[4096];
    while (ff && fgets(line, sizeof line, ff)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0] || line[0] == '#') continue;
        firms[nfirms++] = strdup(line);
    }
    if (ff) fclose(ff);
    FILE *dbg = dbgpath ? fopen(dbgpath, "w") : NULL;

    lg_error_set_handler(to_stderr, NULL);
    double t0 = now_ms();
    Dictionary dict = dictionary_create_lang("en");
    double tdict = now_ms() - t0;
    if (!dict) { fprintf(stderr, "no dictionary\n"); return 1; }
    Parse_Options opts = parse_options_create();
    parse_options_set_verbosity(opts, 0);
    fprintf(stderr, "defaults: max_parse_time=%d linkage_limit=%d min_null=%d max_null=%d "
                    "islands_ok=%d spell_guess=%d short_length=%d disjunct_cost=%.2f max_memory=%d\n",
            parse_options_get_max_parse_time(opts), parse_options_get_linkage_limit(opts),
            parse_options_get_min_null_count(opts), parse_options_get_max_null_count(opts),
            parse_options_get_islands_ok(opts), parse_options_get_spell_guess(opts),
            parse_options_get_short_length(opts), parse_options_get_disjunct_cost(opts),
            parse_options_get_max_memory(opts));
    if (tmax != -999) parse_options_set_max_parse_time(opts, tmax);
    if (nospell) parse_options_set_spell_guess(opts, 0);
    fprintf(stderr, "dictionary load: %.0f ms; max_parse_time used: %d\n", tdict,
            parse_options_get_max_parse_time(opts));

    FILE *in = fopen(argv[ai], "r");
    if (!in) { perror(argv[ai]); return 1; }
    printf("id\tpred_agent\tpred_attached\tgold_agent\tgold_attached\tagent_ok\tattach_ok\tphenomenon\t"
           "null_count\tlinkages_found\ttimer_expired\tms\tsubject_head\tnote\n");
    int n = 0, nagent = 0, natt = 0, nnull = 0, ntimer = 0;
    double total = 0;
    int first = 1;
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = 0;
        if (first) { first = 0; continue; }
        char *col[8];
        int nc = 0;
        for (char *p = line, *q; nc < 7; p = q + 1) {
            col[nc++] = p;
            q = strchr(p, '\t');
            if (!q) break;
            *q = 0;
        }
        if (nc < 7) continue;
        const char *id = col[0], *text = col[1], *verb = col[2], *gagent = col[3], *place = col[4],
                   *gatt = col[5], *phen = col[6];

        /* ---- parse (timed) ---- */
        double s0 = now_ms();
        Sentence sent = sentence_create(text, dict);
        parse_options_set_min_null_count(opts, 0);
        parse_options_set_max_null_count(opts, 0);
        int nlk = sentence_parse(sent, opts);
        int expired = parse_options_timer_expired(opts);
        double first_ms = now_ms() - s0;
        if (nlk == 0 && !expired) { /* like link-parser: retry allowing null (unlinked) words */
            parse_options_set_min_null_count(opts, 1);
            parse_options_set_max_null_count(opts, sentence_length(sent));
            nlk = sentence_parse(sent, opts);
            expired |= parse_options_timer_expired(opts);
        }
        L = nlk > 0 ? linkage_create(0, sent, opts) : NULL;
        double ms = now_ms() - s0;
        total += ms;
        int nullc = sentence_null_count(sent);
        char note[512] = "";
        if (nullc > 0) snprintf(note, sizeof note, "first parse %.0f ms, null-link reparse %.0f ms; ", first_ms, ms - first_ms);

        char pagent[512] = "-", patt[8] = "no", shead[128] = "-";
        if (!L) {
            strcat(note, "no linkage");
        } else {
            NW = (int)linkage_get_num_words(L);
            NL = (int)linkage_get_num_links(L);
            if (NW > MAXW) NW = MAXW;
            for (int i = 0; i < NW; i++) normalise(linkage_get_word(L, i), W[i]);
            mark_firms();

            /* event verb = first word matching the verb's first token */
            char vb[64];
            snprintf(vb, sizeof vb, "%s", verb);
            vb[strcspn(vb, " ")] = 0;
            int v = -1;
            for (int i = 1; i < NW && v < 0; i++) if (weq(i, vb)) v = i;
            int vg[MAXW], nvg = 0; /* verb group: verb, its particle, its auxiliary / control chain */
            if (v > 0) {
                vg[nvg++] = v;
                for (int k = 0; k < NL; k++)
                    if (lw(k) == v && (lab(k, "K") || weq(rw(k), "up"))) vg[nvg++] = rw(k);
            }
            int chain[MAXW], nchain = 0, top = v > 0 ? climb(v, chain, &nchain) : -1;
            for (int c = 0; c < nchain; c++) vg[nvg++] = chain[c];

            /* voice: passive if the verb is reached by Pv (was opened) or Mv (a lab opened by) */
            int passive = 0, modnoun = -1;
            for (int k = 0; k < NL && v > 0; k++)
                if (rw(k) == v && lw(k) < v) {
                    if (lab(k, "Pv")) passive = 1;
                    if (lab(k, "Mv")) { passive = 1; modnoun = lw(k); }
                }
            int ag[MAXF] = {0}, seen[MAXW] = {0};
            int subj = top > 0 ? subject_of(top) : -1;
            if (v < 0) strcat(note, "verb not found; ");
            else if (passive) {
                if (subj >= 0) snprintf(shead, sizeof shead, "%s", W[subj]);
                if (!by_agent(vg, nvg, modnoun, ag)) strcat(note, "passive, no by-phrase; ");
                else strcat(note, "passive by-phrase; ");
            } else if (subj < 0) {
                strcat(note, "no S link to verb chain; ");
            } else {
                snprintf(shead, sizeof shead, "%s", W[subj]);
                expand(subj, ag, seen);
                if (!any(ag) && (weq(subj, "it") || weq(subj, "they") || weq(subj, "company") ||
                                 weq(subj, "firm") || weq(subj, "group"))) {
                    /* reported speech: subject of the clause under a saying verb */
                    int gov = -1;
                    for (int k = 0; k < NL; k++)
                        if (rw(k) == subj && lw(k) < subj && lab(k, "C")) gov = lw(k);
                    if (gov < 0) /* "X said the firm had …" given as a quotation verb: LEFT-WALL -CP- said.q */
                        for (int k = 0; k < NL; k++)
                            if (lw(k) == 0 && lab(k, "CP") && rw(k) != top) gov = rw(k);
                    if (gov > 0 && weq(gov, "that"))
                        for (int k = 0; k < NL; k++)
                            if (rw(k) == gov && lab(k, "TH")) gov = lw(k);
                    if (gov > 0) {
                        int s2 = subject_of(climb(gov, NULL, NULL));
                        if (s2 > 0) {
                            int seen2[MAXW] = {0};
                            expand(s2, ag, seen2);
                            /* "A Tencent spokeswoman said the firm …": premodifier of the speaker */
                            if (!any(ag))
                                for (int k = 0; k < NL; k++)
                                    if (rw(k) == s2 && (lab(k, "AN") || lab(k, "GN")) && firm_at[lw(k)])
                                        ag[firm_at[lw(k)] - 1] = 1;
                            strcat(note, "pronoun resolved via saying verb; ");
                        }
                    }
                }
            }
            pagent[0] = 0;
            for (int f = 0; f < nfirms; f++)
                if (ag[f]) {
                    if (pagent[0]) strcat(pagent, "|");
                    strcat(pagent, firms[f]);
                }
            if (!pagent[0]) strcpy(pagent, "-");

            /* units: verb's objects, passive subject, modified noun of a reduced relative,
             * and the J object of a preposition on the verb (hire engineers FOR a team) */
            int unit[MAXW] = {0};
            for (int g = 0; g < nvg; g++)
                for (int k = 0; k < NL; k++)
                    if (lw(k) == vg[g] && lab(k, "O")) unit[rw(k)] = 1;
            if (passive && subj > 0) unit[subj] = 1;
            if (modnoun > 0) unit[modnoun] = 1;
            for (int g = 0; g < nvg; g++)
                for (int k = 0; k < NL; k++)
                    if (lw(k) == vg[g] && lab(k, "MV") && (weq(rw(k), "for") || weq(rw(k), "of")))
                        for (int k2 = 0; k2 < NL; k2++)
                            if (lw(k2) == rw(k) && lab(k2, "J")) unit[rw(k2)] = 1;
            for (int rep = 0; rep < 3; rep++) /* coordinated objects */
                for (int k = 0; k < NL; k++)
                    if (lab(k, "SJ")) {
                        if (unit[lw(k)]) unit[rw(k)] = 1;
                        if (unit[rw(k)]) unit[lw(k)] = 1;
                    }
            int isvg[MAXW] = {0};
            for (int g = 0; g < nvg; g++) isvg[vg[g]] = 1;

            int motion = weq(v, "moved") || weq(v, "move") || weq(v, "relocated");
            int p = find_name(place, 1);
            int att = 0;
            if (p < 0) strcat(note, "place not found; ");
            else {
                /* the place and the nouns it premodifies: Seattle -> headquarters, Detroit-area -> team */
                int np[MAXW] = {0};
                np[p] = 1;
                for (int rep = 0; rep < 4; rep++)
                    for (int k = 0; k < NL; k++)
                        if (np[lw(k)] && rw(k) > lw(k) &&
                            (lab(k, "AN") || lab(k, "A") || lab(k, "GN") || lab(k, "G")))
                            np[rw(k)] = 1;
                for (int i = 0; i < NW; i++)
                    if (np[i] && unit[i] && i != p) { att = 1; strcat(note, "place premodifies unit; "); break; }
                for (int k = 0; k < NL && !att; k++) {
                    if (!(lab(k, "J") && np[rw(k)] && is_loc_prep(lw(k), motion))) continue;
                    int prep = lw(k);
                    for (int k2 = 0; k2 < NL && !att; k2++)
                        if (rw(k2) == prep && (lab(k2, "MV") || lab(k2, "M") || lab(k2, "K")) &&
                            (isvg[lw(k2)] || unit[lw(k2)])) {
                            att = 1;
                            char b[160];
                            snprintf(b, sizeof b, "%s-%s-%s; ", W[lw(k2)], linkage_get_link_label(L, k2), W[prep]);
                            strcat(note, b);
                        }
                }
                if (!att) {
                    /* say where the place did attach, for the failure list */
                    for (int k = 0; k < NL; k++)
                        if (lab(k, "J") && np[rw(k)])
                            for (int k2 = 0; k2 < NL; k2++)
                                if (rw(k2) == lw(k) && lw(k2) < lw(k)) {
                                    char b[160];
                                    snprintf(b, sizeof b, "place via %s-%s-%s; ", W[lw(k2)],
                                             linkage_get_link_label(L, k2), W[lw(k)]);
                                    if (strlen(note) + strlen(b) < sizeof note) strcat(note, b);
                                }
                }
            }
            strcpy(patt, att ? "yes" : "no");

            if (dbg) {
                fprintf(dbg, "## %s %s\n# null_count=%d linkages=%d ms=%.1f\n", id, text, nullc, nlk, ms);
                for (int k = 0; k < NL; k++)
                    fprintf(dbg, "   %2d:%-24s %-8s %2d:%s\n", lw(k), linkage_get_word(L, lw(k)),
                            linkage_get_link_label(L, k), rw(k), linkage_get_word(L, rw(k)));
                fprintf(dbg, "# agent=%s attached=%s note=%s\n\n", pagent, patt, note);
            }
            linkage_delete(L);
        }

        /* ---- score ---- */
        int gset[MAXF] = {0}, pset[MAXF] = {0};
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s", gagent);
        for (char *q = strtok(tmp, "|"); q; q = strtok(NULL, "|"))
            for (int f = 0; f < nfirms; f++) if (!strcmp(q, firms[f])) gset[f] = 1;
        snprintf(tmp, sizeof tmp, "%s", pagent);
        for (char *q = strtok(tmp, "|"); q; q = strtok(NULL, "|"))
            for (int f = 0; f < nfirms; f++) if (!strcmp(q, firms[f])) pset[f] = 1;
        int aok = !memcmp(gset, pset, sizeof gset);
        int tok_ = !strcmp(gatt, patt);
        n++; nagent += aok; natt += tok_; nnull += nullc > 0; ntimer += expired;
        printf("%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%d\t%d\t%d\t%.2f\t%s\t%s\n", id, pagent, patt, gagent, gatt,
               aok, tok_, phen, nullc, nlk, expired, ms, shead, note);
        fflush(stdout);
        sentence_delete(sent);
    }
    fprintf(stderr, "sentences=%d agent_ok=%d attach_ok=%d with_null_links=%d timer_expired=%d "
                    "parse_total_ms=%.0f\n", n, nagent, natt, nnull, ntimer, total);
    parse_options_delete(opts);
    dictionary_delete(dict);
    if (dbg) fclose(dbg);
    return 0;
}
