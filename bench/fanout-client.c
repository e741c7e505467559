// fanout-client.c - Herald's fan-out load client: one publisher (or a few) -> N subscribers, for Herald, NATS and
// Redis, optionally over TLS on every connection. Single-threaded, epoll, non-blocking after setup.
//
//   gcc -O2 -o fanout-client bench/fanout-client.c -lssl -lcrypto
//   ./fanout-client --proto herald --port 7560 --tls --subs 1000 --msgs 2000 --spid $(pgrep -n herald)
//   ./fanout-client --proto nats   --port 14223 --tls --subs 1000 --msgs 2000 --rate 100
//   ./fanout-client --proto redis  --port 16380 --tls --idle 1000 --spid PID
//   ./fanout-client --proto herald --port 7560 --sub-ports 7560,7561,7562 --tls --subs 1000 --msgs 1000 --rate 100
//       --spid PID1,PID2,PID3     (a cluster: subscribers spread over three nodes, the publisher on the first)
//
// Ideas taken from a shared reference client kept outside this repository: blocking setup then epoll, a bounded
// in-flight window so the publisher cannot run away from the subscribers, a CLOCK_MONOTONIC timestamp in every
// message, fixed-size frames for the peers (no parsing on their hot path). Differences: Herald's alerts are
// variable-length JSON lines, so subscribers split on '\n' and keep only the first bytes of each line (to check
// its type) except on the latency-tracked subscribers, which keep whole lines and parse the timestamp out of the
// alert's evidence text; NATS PINGs are answered with PONG; every published article is distinct (Herald
// recognises re-sent content and would create no alert).
//
// Herald: each subscriber reads `hello`, sends `SUB *`, waits for its `ok`. The publisher sends
//   PUB {"body":"Zebra <19-digit ns timestamp>."}
// which the benchmark rule (any article mentioning a zebra; no dedup, no throttle) turns into exactly one alert.
// Output: one `key=value` line per figure (RESULT lines), easy to grep from a script.
//
// Several servers (Herald nodes sharing one alert log, bench/cluster.sh): --sub-ports spreads the subscribers over
// them round-robin while the publishers use --port; latency is then also reported apart for the subscribers on the
// publisher's server (local_) and on the others (remote_: cross-node delivery). --spid takes a comma-separated list
// whose CPU is added up (memory figures are the first process's).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { P_HERALD, P_NATS, P_REDIS };
static const char *pname[] = {"herald", "nats", "redis"};
static int proto = P_HERALD, use_tls = 0, nsubs = 100, payload = 300, window = 200, npubs = 1, spid = 0, idle = 0;
static long nmsgs = 10000;
static double rate = 0, timeout_s = 60;
static const char *host = "127.0.0.1";
static int port = 7443;
static int sub_ports[64], nsub_ports = 0;  // --sub-ports: subscriber i connects to sub_ports[i % nsub_ports]
static int spids[64], nspids = 0;         // --spid: every process whose CPU counts as the server's
static SSL_CTX *ctx;

#define HEAD 24          // bytes of each Herald line kept to decide its type
#define LINE_MAX_B 8192  // whole lines kept on tracked subscribers
static const char ALERT_HEAD[] = "{\"v\":1,\"type\":\"alert\"";

typedef struct {
  int fd;
  SSL *ssl;
  long frames;
  int track;
  int remote;       // subscribed on another server than the publisher's (--sub-ports)
  char *fbuf;       // tracked: frame (peers) or line (herald)
  int pos, skip;    // peers: position in frame, bytes to skip (NATS PING)
  int lpos;         // herald: bytes of the current line seen
  char head[HEAD];  // herald: first bytes of the current line
} conn_t;

typedef struct {
  conn_t c;
  char *obuf;
  int ooff, olen, blocked;
  uint32_t events;
  long acks, errors;
} pub_t;

static conn_t *subs;
static pub_t *pubs;
static int frame_len, pub_frame_len, ts_off;  // ts_off: timestamp offset inside pub_frame
static char *pub_frame;
static uint64_t *lat, *lat_local, *lat_remote;
static long nlat, nlat_local, nlat_remote, lat_cap, pings, line_bytes, line_count, nonalert_lines;

static void die(const char *m) { perror(m); exit(1); }
static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec;
}
static double proc_cpu(int pid) {  // utime + stime of a process, seconds
  char p[64]; snprintf(p, sizeof p, "/proc/%d/stat", pid);
  FILE *f = fopen(p, "r"); if (!f) return 0;
  char b[2048]; size_t n = fread(b, 1, sizeof b - 1, f); fclose(f); b[n] = 0;
  char *q = strrchr(b, ')'); if (!q) return 0;
  unsigned long ut = 0, st = 0; int i = 0;
  for (char *tok = strtok(q + 2, " "); tok; tok = strtok(0, " ")) {
    i++;
    if (i == 12) ut = strtoul(tok, 0, 10);
    if (i == 13) { st = strtoul(tok, 0, 10); break; }
  }
  return (ut + st) / (double)sysconf(_SC_CLK_TCK);
}
static long proc_rss_kb(int pid) {  // VmRSS of a process, KiB
  char p[64]; snprintf(p, sizeof p, "/proc/%d/status", pid);
  FILE *f = fopen(p, "r"); if (!f) return 0;
  char l[256]; long kb = 0;
  while (fgets(l, sizeof l, f)) if (!strncmp(l, "VmRSS:", 6)) { kb = atol(l + 6); break; }
  fclose(f);
  return kb;
}
static double self_cpu(void) {
  struct rusage r; getrusage(RUSAGE_SELF, &r);
  return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

// Source addresses: connection k binds to 127.0.0.(1 + k / per_src), so no single client address holds more than
// per_src connections (Herald admits at most 1,000 connections per client address by default; the peers have no
// such limit; all three get the same spread). Loopback only either way.
static int per_src = 500, nconn = 0;
static int tcp_connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  if (!strcmp(host, "127.0.0.1") && per_src > 0) {
    int k = nconn++ / per_src;
    if (k > 250) { fprintf(stderr, "too many connections for --per-src %d\n", per_src); exit(2); }
    struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = 0};
    s.sin_addr.s_addr = htonl(0x7f000001u + (uint32_t)k);
    if (bind(fd, (struct sockaddr *)&s, sizeof s) < 0) die("bind source address");
  }
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, host, &a.sin_addr) != 1) { fprintf(stderr, "bad host %s\n", host); exit(2); }
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) die("connect");
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}
static int cwrite(conn_t *c, const void *b, int n) { return c->ssl ? SSL_write(c->ssl, b, n) : (int)write(c->fd, b, n); }
static int cread(conn_t *c, void *b, int n) { return c->ssl ? SSL_read(c->ssl, b, n) : (int)read(c->fd, b, n); }
static void write_all(conn_t *c, const void *b, int n) {  // blocking phase only
  const char *p = b;
  while (n > 0) { int w = cwrite(c, p, n); if (w <= 0) die("write_all"); p += w; n -= w; }
}
// Blocking: read one byte at a time until the data read ends with `tail` (setup only; copies into out if given).
static int read_until(conn_t *c, const char *tail, char *out, int cap) {
  char buf[8192]; int have = 0, tl = (int)strlen(tail);
  for (;;) {
    int r = cread(c, buf + have, 1);
    if (r <= 0) { fprintf(stderr, "setup read failed (connection closed by %s?)\n", pname[proto]); ERR_print_errors_fp(stderr); exit(1); }
    have += r;
    if (have >= tl && memcmp(buf + have - tl, tail, tl) == 0) {
      if (out) { int k = have < cap - 1 ? have : cap - 1; memcpy(out, buf, k); out[k] = 0; }
      return have;
    }
    if (have >= (int)sizeof buf - 1) { memmove(buf, buf + have - tl, tl); have = tl; }
  }
}

static void setup_conn_to(conn_t *c, int is_pub, int to_port) {
  c->fd = tcp_connect(to_port);
  if (proto == P_NATS) {  // nats-server 2.9: plaintext INFO first, then the TLS upgrade
    char b[4096]; int have = 0;
    for (;;) { int r = (int)read(c->fd, b + have, 1); if (r <= 0) die("nats INFO"); have += r; if (have >= 2 && b[have-2] == '\r' && b[have-1] == '\n') break; if (have >= (int)sizeof b - 1) have = 0; }
  }
  if (use_tls) {
    c->ssl = SSL_new(ctx);
    SSL_set_fd(c->ssl, c->fd);
    SSL_set_tlsext_host_name(c->ssl, "localhost");
    if (SSL_connect(c->ssl) != 1) { ERR_print_errors_fp(stderr); exit(1); }
  }
  if (proto == P_HERALD) {
    char line[4096];
    read_until(c, "\n", line, sizeof line);  // hello
    if (!strstr(line, "\"hello\"")) { fprintf(stderr, "expected hello, got %s", line); exit(1); }
    if (!is_pub) {
      write_all(c, "SUB *\n", 6);
      read_until(c, "\n", line, sizeof line);
      if (!strstr(line, "\"type\":\"ok\"")) { fprintf(stderr, "SUB * failed: %s", line); exit(1); }
    }
  } else if (proto == P_REDIS) {
    if (!is_pub) {
      const char *s = "*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n";
      write_all(c, s, (int)strlen(s));
      char r[32]; int have = 0;  // *3 $9 subscribe $2 ch :1 (31 bytes); anything else (-DENIED…) is fatal
      while (have < 31) { int k = cread(c, r + have, 31 - have); if (k <= 0) { fprintf(stderr, "redis SUBSCRIBE: connection closed\n"); exit(1); } have += k; }
      if (memcmp(r, "*3\r\n$9\r\nsubscribe", 17)) { fprintf(stderr, "redis SUBSCRIBE refused: %.31s\n", r); exit(1); }
    }
  } else {
    char s[256];
    snprintf(s, sizeof s, "CONNECT {\"verbose\":false,\"pedantic\":false,\"tls_required\":%s}\r\n%sPING\r\n",
             use_tls ? "true" : "false", is_pub ? "" : "SUB ch 1\r\n");
    write_all(c, s, (int)strlen(s));
    read_until(c, "PONG\r\n", NULL, 0);
  }
  fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
}

static void setup_conn(conn_t *c, int is_pub) { setup_conn_to(c, is_pub, port); }

static double servers_cpu(void) {
  double total = 0;
  for (int i = 0; i < nspids; i++) total += proc_cpu(spids[i]);
  return total;
}

static void build_frames(void) {
  pub_frame = malloc(payload + 512);
  if (proto == P_HERALD) {
    // PUB {"body":"Zebra 0000000000000000000."}  + padding words when --payload asks for a longer alert line.
    // The alert line repeats the sentence once (evidence text); its fixed part is ~375 bytes.
    int n = snprintf(pub_frame, payload + 512, "PUB {\"body\":\"Zebra ");
    ts_off = n;
    n += snprintf(pub_frame + n, payload + 512 - n, "%019llu", 0ull);
    int pad = payload - 400;
    for (int i = 0; i < pad && n < payload + 400; i++) pub_frame[n++] = (i % 6 == 0) ? ' ' : 'a' + (i % 26);
    n += snprintf(pub_frame + n, payload + 512 - n, ".\"}\n");
    pub_frame_len = n;
    frame_len = 0;
    return;
  }
  // peers: {"ts":0000000000000000000,"rule":"r-00042","headline":"abc…"} exactly `payload` bytes
  char *pl = malloc(payload + 1);
  int n = snprintf(pl, payload + 1, "{\"ts\":%019llu,\"rule\":\"r-00042\",\"headline\":\"", 0ull);
  for (int i = n; i < payload - 2; i++) pl[i] = 'a' + (i % 26);
  pl[payload - 2] = '"'; pl[payload - 1] = '}';
  char hdr[64]; int hl;
  if (proto == P_REDIS) {
    hl = snprintf(hdr, sizeof hdr, "*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$%d\r\n", payload);
    frame_len = snprintf(NULL, 0, "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$%d\r\n", payload) + payload + 2;
  } else {
    hl = snprintf(hdr, sizeof hdr, "PUB ch %d\r\n", payload);
    frame_len = snprintf(NULL, 0, "MSG ch 1 %d\r\n", payload) + payload + 2;
  }
  memcpy(pub_frame, hdr, hl); memcpy(pub_frame + hl, pl, payload); memcpy(pub_frame + hl + payload, "\r\n", 2);
  pub_frame_len = hl + payload + 2;
  ts_off = hl + 6;
  free(pl);
}

static void record_latency(conn_t *c, uint64_t tr, const char *digits) {
  if (nlat >= lat_cap) return;
  uint64_t l = tr - strtoull(digits, NULL, 10);
  lat[nlat++] = l;
  if (nsub_ports > 1) { if (c->remote) lat_remote[nlat_remote++] = l; else lat_local[nlat_local++] = l; }
}

// Herald subscriber bytes: split on '\n'; count alert lines; tracked subscribers keep whole lines.
static long herald_consume(conn_t *c, const char *b, int r, uint64_t tr) {
  long got = 0;
  for (int i = 0; i < r;) {
    const char *nl = memchr(b + i, '\n', r - i);
    int k = nl ? (int)(nl - (b + i)) : r - i;
    if (c->lpos < HEAD) { int h = k < HEAD - c->lpos ? k : HEAD - c->lpos; memcpy(c->head + c->lpos, b + i, h); }
    if (c->track && c->lpos < LINE_MAX_B - 1) { int h = k < LINE_MAX_B - 1 - c->lpos ? k : LINE_MAX_B - 1 - c->lpos; memcpy(c->fbuf + c->lpos, b + i, h); }
    c->lpos += k; i += k;
    if (!nl) break;
    i++;  // the '\n'
    if (c->lpos >= (int)sizeof ALERT_HEAD - 1 && !memcmp(c->head, ALERT_HEAD, sizeof ALERT_HEAD - 1)) {
      got++; c->frames++;
      if (c->track) {
        int len = c->lpos < LINE_MAX_B - 1 ? c->lpos : LINE_MAX_B - 1;
        c->fbuf[len] = 0;
        line_bytes += c->lpos + 1; line_count++;
        const char *z = memmem(c->fbuf, len, "\"text\":\"Zebra ", 14);
        if (z) record_latency(c, tr, z + 14);
      }
    } else if (c->lpos > 0) {
      if (nonalert_lines++ < 3) { int len = c->lpos < HEAD ? c->lpos : HEAD; fprintf(stderr, "note: non-alert line on subscriber: %.*s…\n", len, c->head); }
    }
    c->lpos = 0;
  }
  return got;
}

// Peer subscriber bytes: fixed-size frames (payload size is fixed); NATS PINGs between frames get a PONG.
static long peer_consume(conn_t *c, const char *b, int r, uint64_t tr) {
  long got = 0;
  for (int i = 0; i < r;) {
    if (c->skip > 0) { int k = r - i < c->skip ? r - i : c->skip; i += k; c->skip -= k; continue; }
    if (c->pos == 0 && proto == P_NATS && b[i] == 'P') { c->skip = 6; pings++; cwrite(c, "PONG\r\n", 6); continue; }
    int k = frame_len - c->pos; if (k > r - i) k = r - i;
    if (c->track) memcpy(c->fbuf + c->pos, b + i, k);
    c->pos += k; i += k;
    if (c->pos == frame_len) {
      c->pos = 0; c->frames++; got++;
      if (c->track) { c->fbuf[frame_len] = 0; record_latency(c, tr, c->fbuf + frame_len - 2 - payload + 6); }
    }
  }
  return got;
}

static void drain_pub(pub_t *p, char *rbuf, int cap) {
  for (;;) {
    int r = cread(&p->c, rbuf, cap);
    if (r <= 0) {
      if (p->c.ssl) { int e = SSL_get_error(p->c.ssl, r); if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return; }
      else if (r < 0 && errno == EAGAIN) return;
      fprintf(stderr, "publisher connection closed\n"); exit(1);
    }
    if (proto == P_HERALD) {
      for (const char *q = rbuf; (q = memchr(q, '\n', rbuf + r - q)); q++) p->acks++;
      const char *e = memmem(rbuf, r, "\"type\":\"error\"", 14);
      if (e) { if (p->errors++ < 3) fprintf(stderr, "publisher got an error: %.*s\n", (int)(r < 300 ? r : 300), rbuf); }
    } else if (proto == P_NATS) {
      if (memmem(rbuf, r, "PING\r\n", 6)) { cwrite(&p->c, "PONG\r\n", 6); pings++; }
    }
  }
}

static void usage(void) {
  fprintf(stderr, "usage: fanout-client --proto herald|nats|redis --port P [--host 127.0.0.1] [--tls] [--subs N] [--msgs M]\n"
                  "       [--rate R (msg/s, 0 = unpaced)] [--payload BYTES] [--window W] [--pubs K] [--spid PID]\n"
                  "       [--idle N (open N idle subscribers, report RSS per connection)] [--timeout S]\n"
                  "       [--per-src K (connections per 127.0.0.x source address, default 500; 0 = all from 127.0.0.1)]\n"
                  "       [--sub-ports P1,P2,... (subscribers spread over several servers; publishers on --port)]\n"
                  "       [--spid PID1,PID2,... (CPU added up)]\n");
  exit(2);
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--tls")) { use_tls = 1; continue; }
    if (i + 1 >= argc) usage();
    const char *v = argv[++i];
    if (!strcmp(a, "--proto")) proto = !strcmp(v, "nats") ? P_NATS : !strcmp(v, "redis") ? P_REDIS : !strcmp(v, "herald") ? P_HERALD : -1;
    else if (!strcmp(a, "--host")) host = v;
    else if (!strcmp(a, "--port")) port = atoi(v);
    else if (!strcmp(a, "--subs")) nsubs = atoi(v);
    else if (!strcmp(a, "--msgs")) nmsgs = atol(v);
    else if (!strcmp(a, "--rate")) rate = atof(v);
    else if (!strcmp(a, "--payload")) payload = atoi(v);
    else if (!strcmp(a, "--window")) window = atoi(v);
    else if (!strcmp(a, "--pubs")) npubs = atoi(v);
    else if (!strcmp(a, "--spid")) {
      for (const char *q = v; *q && nspids < 64; q = strchr(q, ',') ? strchr(q, ',') + 1 : q + strlen(q)) spids[nspids++] = atoi(q);
      spid = nspids ? spids[0] : 0;
    }
    else if (!strcmp(a, "--sub-ports")) {
      for (const char *q = v; *q && nsub_ports < 64; q = strchr(q, ',') ? strchr(q, ',') + 1 : q + strlen(q)) sub_ports[nsub_ports++] = atoi(q);
    }
    else if (!strcmp(a, "--idle")) idle = atoi(v);
    else if (!strcmp(a, "--timeout")) timeout_s = atof(v);
    else if (!strcmp(a, "--per-src")) per_src = atoi(v);
    else usage();
  }
  if (proto < 0 || nsubs < 1 || nmsgs < 1 || npubs < 1 || payload < 64 || window < 1) usage();
  setvbuf(stdout, NULL, _IOLBF, 0);
  struct rlimit rl; getrlimit(RLIMIT_NOFILE, &rl); rl.rlim_cur = rl.rlim_max; setrlimit(RLIMIT_NOFILE, &rl);
  if (use_tls) {
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  }
  printf("RESULT proto=%s tls=%d\n", pname[proto], use_tls);

  if (idle > 0) {  // idle mode: memory per idle (subscribed) connection, and connection setup rate
    if ((rlim_t)idle + 64 > rl.rlim_cur) { fprintf(stderr, "--idle %d needs more file descriptors (limit %lu)\n", idle, (unsigned long)rl.rlim_cur); return 1; }
    conn_t *cs = calloc(idle, sizeof *cs);
    long rss0 = spid ? proc_rss_kb(spid) : 0;
    uint64_t t0 = now_ns(), deadline = t0 + (uint64_t)(timeout_s * 1e9);
    int opened = 0;
    for (; opened < idle && now_ns() < deadline; opened++) setup_conn(&cs[opened], 0);
    double secs = (now_ns() - t0) / 1e9;
    sleep(3);  // let the server settle (and NATS send its first PING, which these idle clients leave unread)
    long rss1 = spid ? proc_rss_kb(spid) : 0;
    printf("RESULT idle_conns=%d setup_s=%.3f setup_per_s=%.0f\n", opened, secs, opened / secs);
    if (spid) printf("RESULT rss_before_kb=%ld rss_after_kb=%ld rss_per_conn_kb=%.1f\n", rss0, rss1, (rss1 - rss0) / (double)opened);
    for (int i = 0; i < opened; i++) { if (cs[i].ssl) SSL_free(cs[i].ssl); close(cs[i].fd); }
    return opened == idle ? 0 : 1;
  }

  build_frames();
  subs = calloc(nsubs, sizeof *subs);
  int stride = nsubs >= 16 ? nsubs / 16 : 1;  // latency: every stride-th subscriber, and the last
  uint64_t t0 = now_ns();
  for (int i = 0; i < nsubs; i++) {
    if (nsub_ports > 0) {
      int to = sub_ports[i % nsub_ports];
      setup_conn_to(&subs[i], 0, to);
      subs[i].remote = to != port;
    } else {
      setup_conn(&subs[i], 0);
    }
    if (i % stride == 0 || i == nsubs - 1) { subs[i].track = 1; subs[i].fbuf = malloc(LINE_MAX_B > frame_len + 1 ? LINE_MAX_B : frame_len + 1); }
  }
  uint64_t t1 = now_ns();
  pubs = calloc(npubs, sizeof *pubs);
  const int BATCH = 64;
  for (int i = 0; i < npubs; i++) { setup_conn(&pubs[i].c, 1); pubs[i].obuf = malloc((size_t)pub_frame_len * BATCH); }
  int ntracked = 0; for (int i = 0; i < nsubs; i++) ntracked += subs[i].track;
  lat_cap = nmsgs * ntracked + 16;
  lat = malloc(sizeof(uint64_t) * lat_cap);
  lat_local = malloc(sizeof(uint64_t) * lat_cap);
  lat_remote = malloc(sizeof(uint64_t) * lat_cap);
  printf("RESULT subs=%d setup_s=%.3f setup_per_s=%.0f\n", nsubs, (t1 - t0) / 1e9, nsubs / ((t1 - t0) / 1e9));

  int ep = epoll_create1(0);
  for (int i = 0; i < nsubs; i++) { struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i}; epoll_ctl(ep, EPOLL_CTL_ADD, subs[i].fd, &ev); }
  for (int i = 0; i < npubs; i++) {
    pubs[i].events = EPOLLIN;
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 0x80000000u | i};
    epoll_ctl(ep, EPOLL_CTL_ADD, pubs[i].c.fd, &ev);
  }
  long published = 0, delivered = 0, total = (long)nsubs * nmsgs;
  static char rbuf[65536];
  struct epoll_event evs[1024];
  double scpu0 = servers_cpu(), ccpu0 = self_cpu();
  uint64_t start = now_ns(), deadline = start + (uint64_t)(timeout_s * 1e9), seq = 0;
  int rr = 0, timed_out = 0;
  while (delivered < total) {
    uint64_t tnow = now_ns();
    if (tnow > deadline) { timed_out = 1; fprintf(stderr, "TIMEOUT delivered=%ld of %ld\n", delivered, total); break; }
    // publishers, round-robin, each batch of at most BATCH messages
    for (int tries = 0; tries < npubs; tries++) {
      pub_t *p = &pubs[rr];
      if (p->blocked) { rr = (rr + 1) % npubs; continue; }
      if (p->ooff == p->olen) {
        long allowed = nmsgs;
        long byw = delivered / nsubs + window; if (byw < allowed) allowed = byw;
        if (rate > 0) { long byr = (long)((tnow - start) / 1e9 * rate) + 1; if (byr < allowed) allowed = byr; }
        long k = allowed - published; if (k > BATCH) k = BATCH;
        if (k <= 0) break;
        p->olen = 0; p->ooff = 0;
        uint64_t ts = now_ns();
        for (long j = 0; j < k; j++) {
          memcpy(p->obuf + p->olen, pub_frame, pub_frame_len);
          char tsd[24]; snprintf(tsd, sizeof tsd, "%019llu", (unsigned long long)(ts + seq++));  // +seq: distinct articles
          memcpy(p->obuf + p->olen + ts_off, tsd, 19);
          p->olen += pub_frame_len;
        }
        published += k;
      }
      int w = cwrite(&p->c, p->obuf + p->ooff, p->olen - p->ooff);
      if (w > 0) { p->ooff += w; if (p->ooff == p->olen) rr = (rr + 1) % npubs; continue; }
      if (p->c.ssl) { int e = SSL_get_error(p->c.ssl, w); if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) { ERR_print_errors_fp(stderr); exit(1); } }
      else if (errno != EAGAIN) die("publisher write");
      p->blocked = 1;
      struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = 0x80000000u | rr};
      epoll_ctl(ep, EPOLL_CTL_MOD, p->c.fd, &ev);
      rr = (rr + 1) % npubs;
    }
    int wait_ms = (rate > 0 && published < nmsgs) ? 1 : 100;
    int n = epoll_wait(ep, evs, 1024, wait_ms);
    for (int e = 0; e < n; e++) {
      uint32_t id = evs[e].data.u32;
      if (id & 0x80000000u) {
        pub_t *p = &pubs[id & 0x7fffffffu];
        if (evs[e].events & EPOLLOUT) {
          p->blocked = 0;
          struct epoll_event ev = {.events = EPOLLIN, .data.u32 = id};
          epoll_ctl(ep, EPOLL_CTL_MOD, p->c.fd, &ev);
        }
        if (evs[e].events & EPOLLIN) drain_pub(p, rbuf, sizeof rbuf);
        continue;
      }
      conn_t *c = &subs[id];
      for (;;) {
        int r = cread(c, rbuf, sizeof rbuf);
        if (r <= 0) {
          if (c->ssl) { int se = SSL_get_error(c->ssl, r); if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE) break; }
          else if (r < 0 && errno == EAGAIN) break;
          fprintf(stderr, "subscriber %u closed (r=%d) after %ld messages\n", id, r, c->frames); exit(1);
        }
        uint64_t tr = c->track ? now_ns() : 0;
        delivered += proto == P_HERALD ? herald_consume(c, rbuf, r, tr) : peer_consume(c, rbuf, r, tr);
        if (r < (int)sizeof rbuf && !c->ssl) break;
      }
    }
  }
  uint64_t end = now_ns();
  double scpu = servers_cpu() - scpu0, ccpu = self_cpu() - ccpu0;
  double el = (end - start) / 1e9;
  long acks = 0, errors = 0; for (int i = 0; i < npubs; i++) { acks += pubs[i].acks; errors += pubs[i].errors; }
  printf("RESULT subs=%d msgs=%ld published=%ld rate=%.0f window=%d pubs=%d payload=%d\n", nsubs, nmsgs, published, rate, window, npubs, payload);
  if (proto == P_HERALD)
    printf("RESULT alert_line_bytes=%.0f pub_replies=%ld pub_errors=%ld non_alert_lines=%ld\n", line_count ? line_bytes / (double)line_count : 0, acks, errors, nonalert_lines);
  else
    printf("RESULT message_bytes=%d frame_bytes=%d nats_pings=%ld\n", payload, frame_len, pings);
  printf("RESULT elapsed_s=%.3f delivered=%ld of=%ld deliveries_per_s=%.0f timed_out=%d\n", el, delivered, total, delivered / el, timed_out);
  printf("RESULT server_cpu_pct=%.0f client_cpu_pct=%.0f\n", scpu / el * 100, ccpu / el * 100);
  if (spid) printf("RESULT server_rss_kb=%ld\n", proc_rss_kb(spid));
  int cmp(const void *a, const void *b) { uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b; return x < y ? -1 : x > y; }
  qsort(lat, nlat, sizeof *lat, cmp);
  if (nlat)
    printf("RESULT latency_samples=%ld p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n", nlat, lat[nlat / 2] / 1e6, lat[(long)(nlat * 0.99)] / 1e6, lat[nlat - 1] / 1e6);
  if (nlat_local) {
    qsort(lat_local, nlat_local, sizeof *lat_local, cmp);
    printf("RESULT local_samples=%ld local_p50_ms=%.3f local_p99_ms=%.3f\n", nlat_local, lat_local[nlat_local / 2] / 1e6, lat_local[(long)(nlat_local * 0.99)] / 1e6);
  }
  if (nlat_remote) {
    qsort(lat_remote, nlat_remote, sizeof *lat_remote, cmp);
    printf("RESULT remote_samples=%ld remote_p50_ms=%.3f remote_p99_ms=%.3f\n", nlat_remote, lat_remote[nlat_remote / 2] / 1e6, lat_remote[(long)(nlat_remote * 0.99)] / 1e6);
  }
  return timed_out ? 3 : 0;
}
