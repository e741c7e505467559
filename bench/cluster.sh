#!/usr/bin/env bash
# bench/cluster.sh - cluster mode (issue #18) on this machine, in one run: one Herald node on SQLite, one node on
# PostgreSQL, three nodes on one PostgreSQL with subscribers spread over them. Prints one table (Markdown).
#
#   bench/cluster.sh                 # everything (~3-5 minutes after the release build)
#   QUICK=1 bench/cluster.sh         # fewer articles and messages: a smoke run
#   SKIP_BUILD=1 bench/cluster.sh    # reuse the release build as it is (HERALD_BIN=path: another binary)
#   SETUPS="pg1 pg3" bench/cluster.sh   # rerun some set-ups; the table still shows the others' last results
#
# Per set-up, on fresh servers and a fresh database:
#   - acknowledged articles/s: bench/publish_load.py, publishers that each wait for each `ok` (an ok means the
#     article and its alert are durable): 1 connection, then 16 and 64 (spread over the nodes; PUBLISHERS="…");
#   - what those runs cost: CPU of the Herald nodes and of PostgreSQL (every backend) per article, and
#     from pg_stat_wal the WAL bytes and WAL fsyncs per article (how many publishers shared one commit);
#   - fan-out: bench/fanout-client.c with 1,000 TLS subscribers (spread over the nodes round-robin, the publisher on
#     the first), unpaced for deliveries/s, then at 100 msg/s for publish-to-deliver latency; on three nodes the
#     latency is also split between subscribers on the publisher's node and on the others (cross-node).
#
# PostgreSQL is private to the run: initdb into a temporary folder, a free loopback port, its socket in that folder,
# as the `postgres` user when run as root (PostgreSQL refuses root), stopped and deleted on exit. Its durability
# settings are the defaults (fsync on, synchronous_commit on): an `ok` is as durable as on SQLite (synchronous=FULL).
# Binaries: $HERALD_PG_BIN, else the newest /usr/lib/postgresql/*/bin (Debian's `postgresql`, installed if missing).
# Raw output: bench/out/cluster/. Every process it starts is stopped on exit (trap).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out/cluster
mkdir -p "$OUT"
SETUPS=${SETUPS:-sqlite1 pg1 pg3}
for s in $SETUPS; do rm -f "$OUT/$s"-*.txt; done
if [[ -n ${QUICK:-} ]]; then
  ACK_ONE=${ACK_ONE:-150} ACK_TOTAL=${ACK_TOTAL:-640} FAN_MSGS=${FAN_MSGS:-300} RATE_MSGS=${RATE_MSGS:-200}
else
  ACK_ONE=${ACK_ONE:-600} ACK_TOTAL=${ACK_TOTAL:-3840} FAN_MSGS=${FAN_MSGS:-2000} RATE_MSGS=${RATE_MSGS:-1000}   # 1,000 at 100/s = 10 s
fi
# Concurrent publishers: group commit shares a commit among those waiting, so throughput depends on how many
# there are; each count publishes ACK_TOTAL articles in all.
PUBLISHERS=${PUBLISHERS:-16 64}
SUBS=${SUBS:-1000}
CLIENT_TIMEOUT=120

say() { printf '== %s\n' "$*" >&2; }

# ---- cleanup -----------------------------------------------------------------------------------------------
PIDS=()
PGDIR=
as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill -9 "$p" 2>/dev/null || true; done
  if [[ -n $PGDIR && -d $PGDIR/data ]]; then
    as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [[ -n $PGDIR ]] && rm -rf "$PGDIR"
}
trap cleanup EXIT INT TERM

# ---- tools -------------------------------------------------------------------------------------------------
PGBIN=${HERALD_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)}
if [[ -z $PGBIN || ! -x $PGBIN/initdb ]]; then
  say "installing PostgreSQL (Debian's postgresql)"
  apt-get install -y postgresql >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y postgresql >/dev/null; }
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
say "building bench/fanout-client.c"
gcc -O2 -Wall -o "$OUT/fanout-client" bench/fanout-client.c -lssl -lcrypto
CLIENT=$OUT/fanout-client
if [[ -z ${SKIP_BUILD:-} ]]; then
  say "building herald (release; a cold build takes minutes)"
  swift build -c release --product herald >"$OUT/build.log" 2>&1 || { tail -20 "$OUT/build.log"; exit 1; }
fi
HERALD=${HERALD_BIN:-$(swift build -c release --show-bin-path)/herald}
[[ -x $HERALD ]] || { echo "no herald binary at $HERALD" >&2; exit 1; }
# Lift the abuse limits (a per-connection publish rate, connections per client address) when this build has them.
HERALD_LIMITS=()
HELP=$("$HERALD" serve --help 2>&1 || true)
for flag in --publish-rate --max-connections --max-connections-per-address; do
  grep -q -- "$flag " <<<"$HELP" && HERALD_LIMITS+=("$flag" 0)
done

# ---- the benchmark rule: one alert for any article that mentions a zebra (bench/fanout.sh's) ----------------
mkdir -p "$OUT/rules/lists"
printf 'list BENCH_WORD\nzebra\n' >"$OUT/rules/lists/bench.list"
cat >"$OUT/rules/bench.rules" <<'EOF'
include "lists/*.list"

rule bench-fanout
    title    "Bench fan-out"
    severity info
    let w = @BENCH_WORD
    emit w=w
    expect match "A zebra was seen."
EOF

# ---- a private PostgreSQL ------------------------------------------------------------------------------------
PGDIR=$(mktemp -d /tmp/herald-bench-pg.XXXXXX)
[[ $(id -u) == 0 ]] && chown postgres:postgres "$PGDIR"
PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') in $PGDIR, port $PGPORT"
as_postgres "$PGBIN/initdb" -D "$PGDIR/data" -U herald -A trust -E UTF8 --no-instructions >"$OUT/initdb.log" 2>&1 \
  || { cat "$OUT/initdb.log"; exit 1; }
as_postgres "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
  -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
PGPID=$(head -1 "$PGDIR/data/postmaster.pid")
psql_() { "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U herald -d "${DB:-postgres}" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
PG_SETTINGS=$(psql_ "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings
  WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'shared_buffers', 'commit_delay')")

# ---- measuring -----------------------------------------------------------------------------------------------
cpu_of() {  # utime+stime in seconds of the given pids (gone ones count 0)
  local total=0 p f
  for p in "$@"; do
    f=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    f=${f##*) }
    total=$(awk -v t="$total" -v line="$f" -v hz="$(getconf CLK_TCK)" 'BEGIN { split(line, a, " "); printf "%.3f", t + (a[12] + a[13]) / hz }')
  done
  echo "$total"
}
pg_pids() { echo "$PGPID" $(pgrep -P "$PGPID" || true); }
# PostgreSQL's CPU: the postmaster and every backend alive now, plus what exited backends left in its children's
# counters (cutime/cstime of the postmaster).
pg_cpu() {
  local own children
  own=$(cpu_of $(pg_pids))
  children=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); split($0, a, " "); printf "%.3f", (a[14] + a[15]) / hz }' "/proc/$PGPID/stat")
  awk -v a="$own" -v b="$children" 'BEGIN { printf "%.3f", a + b }'
}
# WAL written (exact, from the insert position) and WAL fsyncs so far. pg_stat_wal's counters reach the view only
# when each backend reports them: at a transaction end a second after its last report, or after 10 s idle. So the
# fsync count is read after 11 s of quiet (the caller waits).
wal_stats() {
  DB=postgres psql_ "SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint || ' ' || wal_sync FROM pg_stat_wal"
}

# ---- nodes ---------------------------------------------------------------------------------------------------
NODE_PIDS=() NODE_PORTS=()
start_node() {  # name, then extra arguments
  local name=$1; shift
  local log=$OUT/$name.log
  rm -rf "$OUT/data-$name"
  "$HERALD" serve --host 127.0.0.1 --port 0 --rules "$OUT/rules" --certs "$OUT/certs" --data "$OUT/data-$name" \
    --log-level warning "${HERALD_LIMITS[@]}" "$@" >"$log" 2>"$OUT/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  local port=
  for _ in $(seq 300); do  # 30 s
    port=$(grep -o 'listening on [^ ]*:[0-9]*' "$log" 2>/dev/null | head -1 | sed 's/.*://') || true
    [[ -n $port ]] && break
    kill -0 "$pid" 2>/dev/null || { echo "herald $name exited:" >&2; tail -5 "$OUT/$name.err" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n $port ]] || { echo "herald $name did not start" >&2; exit 1; }
  NODE_PIDS+=("$pid") NODE_PORTS+=("$port")
}
stop_nodes() {
  local p
  for p in "${NODE_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${NODE_PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  NODE_PIDS=() NODE_PORTS=()
}

# A node that died mid-run would make the figures after it meaningless: say so in the table's notes.
check_nodes() {  # phase
  local i
  for i in "${!NODE_PIDS[@]}"; do
    if ! kill -0 "${NODE_PIDS[$i]}" 2>/dev/null; then
      echo "RESULT node_exit=$SETUP-n$((i + 1))@$1" >>"$OUT/$SETUP-costs.txt"
      say "$SETUP: node $((i + 1)) is gone after $1; its standard error:"; tail -20 "$OUT/$SETUP-n$((i + 1)).err" >&2
    fi
  done
}
val() { grep -ho "\b$2=[^ ]*" "$OUT/$1.txt" 2>/dev/null | tail -1 | cut -d= -f2 || true; }
record() { echo "RESULT $*" >>"$OUT/$SETUP-costs.txt"; }

run_setup() {  # sqlite1 | pg1 | pg3
  SETUP=$1
  local nodes=1 store=()
  case $SETUP in
    sqlite1) ;;
    pg1) nodes=1 ;;
    pg3) nodes=3 ;;
  esac
  if [[ $SETUP == pg* ]]; then
    DB=postgres psql_ "DROP DATABASE IF EXISTS bench_$SETUP" >/dev/null
    DB=postgres psql_ "CREATE DATABASE bench_$SETUP" >/dev/null
    store=(--store "postgres://herald@127.0.0.1:$PGPORT/bench_$SETUP?sslmode=disable")
  fi
  say "$SETUP: starting $nodes node(s)"
  # One after the other: the first makes the development certificates in $OUT/certs, the others reuse them.
  for n in $(seq "$nodes"); do
    if [[ $SETUP == pg* ]]; then start_node "$SETUP-n$n" "${store[@]}" --node-name "n$n"; else start_node "$SETUP-n$n"; fi
  done
  local ports=("${NODE_PORTS[@]}") pids
  pids=$(IFS=,; echo "${NODE_PIDS[*]}")
  sleep 1
  echo "RESULT loadavg_before=$(cut -d' ' -f1 /proc/loadavg)" >"$OUT/$SETUP-costs.txt"

  say "$SETUP: 1 publisher, $ACK_ONE articles"
  python3 bench/publish_load.py --port "${ports[0]}" --ca "$OUT/certs/ca.pem" --connections 1 --articles "$ACK_ONE" \
    >"$OUT/$SETUP-ack1.txt" 2>&1
  sed 's/^/   /' "$OUT/$SETUP-ack1.txt" >&2
  check_nodes "1 publisher"

  local p h0 p0 w0 h1 p1 w1 articles
  for p in $PUBLISHERS; do
    local each=$((ACK_TOTAL / p))
    articles=$((p * each))
    say "$SETUP: $p publishers over $nodes node(s), $each articles each"
    [[ $SETUP == pg* ]] && sleep 11   # pg_stat_wal settles (see wal_stats)
    h0=$(cpu_of "${NODE_PIDS[@]}"); [[ $SETUP == pg* ]] && { p0=$(pg_cpu); w0=$(wal_stats); }
    python3 bench/publish_load.py --ports "${ports[@]}" --ca "$OUT/certs/ca.pem" --connections "$p" \
      --articles "$each" >"$OUT/$SETUP-ack$p.txt" 2>&1
    h1=$(cpu_of "${NODE_PIDS[@]}"); [[ $SETUP == pg* ]] && { p1=$(pg_cpu); w1=$(wal_stats); sleep 11; w1="${w1% *} $(wal_stats | cut -d' ' -f2)"; }
    sed 's/^/   /' "$OUT/$SETUP-ack$p.txt" >&2
    check_nodes "$p publishers"
    echo "RESULT herald_cpu_ms_per_article=$(awk -v a="$h0" -v b="$h1" -v n="$articles" 'BEGIN { printf "%.3f", (b - a) * 1000 / n }')" \
      >"$OUT/$SETUP-costs$p.txt"
    if [[ $SETUP == pg* ]]; then
      read -r wb0 ws0 _ <<<"$w0"; read -r wb1 ws1 _ <<<"$w1"
      echo "RESULT pg_cpu_ms_per_article=$(awk -v a="$p0" -v b="$p1" -v n="$articles" 'BEGIN { printf "%.3f", (b - a) * 1000 / n }')" \
        "wal_bytes_per_article=$(( (wb1 - wb0) / articles ))" \
        "articles_per_wal_sync=$(awk -v s=$((ws1 - ws0)) -v n="$articles" 'BEGIN { printf "%.2f", s ? n / s : 0 }')" \
        >>"$OUT/$SETUP-costs$p.txt"
    fi
  done

  local sub_ports=()
  (( nodes > 1 )) && sub_ports=(--sub-ports "$(IFS=,; echo "${ports[*]}")")
  say "$SETUP: $SUBS subscribers over $nodes node(s), unpaced, $FAN_MSGS messages"
  "$CLIENT" --proto herald --port "${ports[0]}" "${sub_ports[@]}" --tls --spid "$pids" --timeout "$CLIENT_TIMEOUT" \
    --subs "$SUBS" --msgs "$FAN_MSGS" >"$OUT/$SETUP-fan.txt" 2>&1 || true
  sed 's/^/   /' "$OUT/$SETUP-fan.txt" >&2
  check_nodes "unpaced fan-out"
  say "$SETUP: $SUBS subscribers over $nodes node(s), 100 msg/s, $RATE_MSGS messages"
  "$CLIENT" --proto herald --port "${ports[0]}" "${sub_ports[@]}" --tls --spid "$pids" --timeout "$CLIENT_TIMEOUT" \
    --subs "$SUBS" --msgs "$RATE_MSGS" --rate 100 >"$OUT/$SETUP-rate.txt" 2>&1 || true
  sed 's/^/   /' "$OUT/$SETUP-rate.txt" >&2
  check_nodes "fan-out at 100 msg/s"
  stop_nodes
}

for s in $SETUPS; do run_setup "$s"; done

# ---- the table -----------------------------------------------------------------------------------------------
row() {  # label, file suffix, key, format; columns sqlite1 pg1 pg3, then pg1/sqlite1 and pg3/sqlite1
  local a b c
  a=$(val "sqlite1-$2" "$3"); b=$(val "pg1-$2" "$3"); c=$(val "pg3-$2" "$3")
  awk -v l="$1" -v a="${a:-}" -v b="${b:-}" -v c="${c:-}" -v f="$4" 'function fm(x){ return x == "" ? "-" : sprintf(f, x) }
    function ra(x, y){ return (x == "" || y == "" || y + 0 == 0) ? "-" : sprintf("%.2f", x / y) }
    BEGIN { printf "| %s | %s | %s | %s | %s | %s |\n", l, fm(a), fm(b), fm(c), ra(b, a), ra(c, a) }'
}
ratio() { awk -v x="${1:-}" -v y="${2:-}" 'BEGIN { print (x == "" || y == "" || y + 0 == 0) ? "-" : sprintf("%.2f", x / y) }'; }
{
  echo
  echo "Cluster mode, loopback, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); herald $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift || echo '+dirty') (release), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') ($PG_SETTINGS)"
  echo "1-minute load average before each set-up (other work on the machine): $(grep -ho 'loadavg_before=[^ ]*' "$OUT"/*-costs.txt | cut -d= -f2 | paste -sd' ')"
  echo "publishers wait for each ok: 1 publisher x $ACK_ONE articles; then $ACK_TOTAL articles over $(echo $PUBLISHERS | sed 's/ / and then /') publishers (spread over the nodes); $SUBS TLS subscribers (spread over the nodes), publisher on node 1"
  echo
  echo "| measure | SQLite, 1 node | PostgreSQL, 1 node | PostgreSQL, 3 nodes | PG 1 node / SQLite | PG 3 nodes / SQLite |"
  echo "|---|---|---|---|---|---|"
  row "acknowledged articles/s, 1 publisher" ack1 articles_per_s "%.0f"
  row "ok p50 ms, 1 publisher" ack1 ok_p50_ms "%.2f"
  for p in $PUBLISHERS; do
    row "acknowledged articles/s, $p publishers" "ack$p" articles_per_s "%.0f"
    row "ok p99 ms, $p publishers" "ack$p" ok_p99_ms "%.2f"
  done
  for p in $PUBLISHERS; do
    row "Herald CPU ms per article (all nodes), $p publishers" "costs$p" herald_cpu_ms_per_article "%.2f"
    row "PostgreSQL CPU ms per article, $p publishers" "costs$p" pg_cpu_ms_per_article "%.2f"
    row "WAL bytes per article, $p publishers" "costs$p" wal_bytes_per_article "%.0f"
    row "articles per WAL fsync, $p publishers" "costs$p" articles_per_wal_sync "%.2f"
  done
  row "deliveries/s, $SUBS subs, unpaced ($FAN_MSGS msgs)" fan deliveries_per_s "%.0f"
  row "Herald CPU % (all nodes), $SUBS subs, unpaced" fan server_cpu_pct "%s"
  row "p50 ms, $SUBS subs, 100 msg/s" rate p50_ms "%.2f"
  row "p99 ms, $SUBS subs, 100 msg/s" rate p99_ms "%.2f"
  row "p99 ms on the publisher's node, 100 msg/s" rate local_p99_ms "%.2f"
  row "p99 ms on the other nodes (cross-node), 100 msg/s" rate remote_p99_ms "%.2f"
  row "Herald CPU % (all nodes), $SUBS subs, 100 msg/s" rate server_cpu_pct "%s"
  echo
  for p in $PUBLISHERS; do
    s_ack=$(val "sqlite1-ack$p" articles_per_s); p_ack=$(val "pg1-ack$p" articles_per_s); c_ack=$(val "pg3-ack$p" articles_per_s)
    echo "target: PostgreSQL acknowledged articles/s >= 0.5x SQLite's ($p publishers): 1 node $(ratio "$p_ack" "$s_ack")x, 3 nodes $(ratio "$c_ack" "$s_ack")x"
  done
  s_p99=$(val sqlite1-rate p99_ms); p_p99=$(val pg1-rate p99_ms); x_p99=$(val pg3-rate remote_p99_ms)
  echo "target: cross-node p99 <= 2x single-node (100 msg/s, $SUBS subs): $(ratio "$x_p99" "$p_p99")x PostgreSQL 1 node, $(ratio "$x_p99" "$s_p99")x SQLite 1 node"
  echo "timeouts (a run that did not finish):$(grep -l 'timed_out=1' "$OUT"/*.txt 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')"
  echo "nodes that died during a run:$(grep -ho 'node_exit=[^ ]*' "$OUT"/*-costs.txt 2>/dev/null | cut -d= -f2 | tr '\n' ' ')"
  echo "publish errors:$(grep -ho ' errors=[1-9][0-9]*' "$OUT"/*-ack*.txt 2>/dev/null | tr '\n' ' ')$(grep -ho 'pub_errors=[1-9][0-9]*' "$OUT"/*-fan.txt "$OUT"/*-rate.txt 2>/dev/null | tr '\n' ' ')"
} | tee "$OUT/table.md"
