#!/usr/bin/env bash
# bench/fanout.sh - fan-out over TLS: Herald against nats-server and redis-server, same machine, same client,
# same certificate (ECDSA P-256), TLS 1.3 (the client requires it), loopback only. Prints one table.
#
#   bench/fanout.sh                       # everything (~3-6 minutes after the release build)
#   QUICK=1 bench/fanout.sh               # fewer messages: a smoke run
#   SKIP_BUILD=1 bench/fanout.sh          # reuse .build-fanout as it is
#   SERVERS=redis bench/fanout.sh         # rerun one server; the table still shows the others' last results
#   NICE=10 bench/fanout.sh               # run servers and client under `nice -n 10` (kinder to a shared machine,
#                                         # but any normal-priority work then takes most of the CPU they compete for)
#
# What it does: installs nats-server and redis-server with apt-get when missing; builds Herald in release mode
# once (scratch path .build-fanout, git-ignored) and bench/fanout-client.c with gcc; makes one CA and one
# ECDSA P-256 server certificate for all three servers; then for each server: idle-connection memory at 1,000
# (and 10,000 when `ulimit -n` allows) on a fresh server each time, then fan-out to 100 and 1,000 subscribers
# unpaced and at 100 msg/s. Every server it starts is killed on exit (trap). Raw client output: bench/out/fanout/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out/fanout
mkdir -p "$OUT"
SERVERS=${SERVERS:-herald nats redis}   # a subset reruns only those; the table reads every server's last output
for s in $SERVERS; do rm -f "$OUT/$s"-*.txt; done
# Not niced by default: under `nice -n 10`, one normal-priority process (a build) gets about nine tenths of a
# contested core, which made Herald's per-delivery cost look 40-70 % higher than in direct runs.
NICE_LEVEL=${NICE:-}
NICE=()
if [[ -n $NICE_LEVEL ]]; then NICE=(nice -n "$NICE_LEVEL"); fi
H_PORT=${H_PORT:-17560} N_PORT=${N_PORT:-14223} R_PORT=${R_PORT:-16380}
if [[ -n ${QUICK:-} ]]; then
  MSGS_100=2000 MSGS_1000=300 RATE_MSGS=200 IDLE_SMALL=1000 IDLE_BIG=0
else
  MSGS_100=${MSGS_100:-10000} MSGS_1000=${MSGS_1000:-2000} RATE_MSGS=${RATE_MSGS:-1000}   # 1,000 at 100/s = 10 s
  IDLE_SMALL=${IDLE_SMALL:-1000} IDLE_BIG=${IDLE_BIG:-10000}
fi
PAYLOAD=300          # peers' message size; Herald's alert line is what the rule produces (~400 bytes, reported)
CLIENT_TIMEOUT=90    # seconds, per client run

PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill "$p" 2>/dev/null || true; done
  sleep 0.5
  for p in "${PIDS[@]:-}"; do [[ -n $p ]] && kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM

say() { printf '== %s\n' "$*" >&2; }

# ---- peers -------------------------------------------------------------------------------------------------
if ! command -v nats-server >/dev/null || ! command -v redis-server >/dev/null; then
  say "installing nats-server and redis-server"
  apt-get install -y nats-server redis-server >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y nats-server redis-server >/dev/null; }
fi

# ---- builds ------------------------------------------------------------------------------------------------
say "building bench/fanout-client.c"
gcc -O2 -Wall -o "$OUT/fanout-client" bench/fanout-client.c -lssl -lcrypto
CLIENT=$OUT/fanout-client
if [[ -z ${SKIP_BUILD:-} ]]; then
  say "building herald (release, --scratch-path .build-fanout; a cold build takes minutes)"
  "${NICE[@]}" swift build -c release --scratch-path .build-fanout --product herald >"$OUT/build.log" 2>&1 \
    || { tail -20 "$OUT/build.log"; exit 1; }
fi
HERALD=$(swift build -c release --scratch-path .build-fanout --show-bin-path)/herald
[[ -x $HERALD ]] || { echo "no herald binary at $HERALD" >&2; exit 1; }
# Lift Herald's abuse limits for the benchmark when this build has them (the peers have none configured):
# publishing is rate-limited per connection and connections are capped per client address by default.
HERALD_LIMITS=()
HELP=$("$HERALD" serve --help 2>&1 || true)
for flag in --publish-rate --max-connections --max-connections-per-address; do
  grep -q -- "$flag " <<<"$HELP" && HERALD_LIMITS+=("$flag" 0)
done

# ---- one certificate for all three -------------------------------------------------------------------------
C=$OUT/certs
if [[ ! -s $C/cert.pem ]]; then
  say "making an ECDSA P-256 CA and server certificate (localhost, 127.0.0.1) in $C"
  mkdir -p "$C"
  openssl ecparam -name prime256v1 -genkey -noout -out "$C/ca.key"
  openssl req -x509 -new -key "$C/ca.key" -subj "/CN=herald fanout bench CA" -days 30 -out "$C/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$C/key.pem"
  openssl req -new -key "$C/key.pem" -subj "/CN=localhost" -out "$C/cert.csr"
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$C/ext"
  openssl x509 -req -in "$C/cert.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -days 30 \
    -out "$C/cert.pem" -extfile "$C/ext" 2>/dev/null
fi

# ---- Herald's benchmark rule: one alert for any article that mentions a zebra (no dedup, no throttle) --------
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
cat >"$OUT/nats.conf" <<EOF
host: 127.0.0.1
port: $N_PORT
max_connections: 30000
tls {
  cert_file: "$C/cert.pem"
  key_file: "$C/key.pem"
}
ping_interval: "10m"
EOF

# ---- servers -----------------------------------------------------------------------------------------------
SPID=
wait_port() {  # bounded: 100 x 0.1 s
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$SPID" 2>/dev/null || { echo "server exited; see $OUT/$2.log" >&2; tail -5 "$OUT/$2.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "server on port $1 did not come up" >&2; exit 1
}
start_server() {
  # A server left over from an earlier run would answer in this one's place, and its figures would be reported.
  case $1 in herald) PORT=$H_PORT ;; nats) PORT=$N_PORT ;; redis) PORT=$R_PORT ;; esac
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "port $PORT is already in use (a server from an earlier run?); stop it first" >&2; exit 1
  fi
  case $1 in
    herald)
      rm -rf "$OUT/herald-data"
      "${NICE[@]}" "$HERALD" serve --host 127.0.0.1 --port "$H_PORT" --rules "$OUT/rules" --cert "$C/cert.pem" \
        --key "$C/key.pem" --data "$OUT/herald-data" --log-level warning "${HERALD_LIMITS[@]}" >"$OUT/herald.log" 2>&1 &
      SPID=$!; PORT=$H_PORT ;;
    nats)
      "${NICE[@]}" nats-server -c "$OUT/nats.conf" >"$OUT/nats.log" 2>&1 &
      SPID=$!; PORT=$N_PORT ;;
    redis)
      "${NICE[@]}" redis-server --bind 127.0.0.1 --port 0 --tls-port "$R_PORT" --tls-cert-file "$C/cert.pem" \
        --tls-key-file "$C/key.pem" --tls-ca-cert-file "$C/ca.pem" --tls-auth-clients no --tls-protocols TLSv1.3 \
        --protected-mode no \
        --save '' --appendonly no --maxclients 30000 --daemonize no >"$OUT/redis.log" 2>&1 &
      SPID=$!; PORT=$R_PORT ;;
  esac
  PIDS+=("$SPID")
  wait_port "$PORT" "$1"
}
stop_server() { kill "$SPID" 2>/dev/null || true; for _ in $(seq 50); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done; kill -9 "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; }

run_client() {  # name, then client arguments; output kept in $OUT/name.txt
  local name=$1; shift
  echo "RESULT loadavg_before=$(cut -d' ' -f1 /proc/loadavg)" >"$OUT/$name.txt"
  "${NICE[@]}" "$CLIENT" --port "$PORT" --tls --spid "$SPID" --timeout "$CLIENT_TIMEOUT" "$@" >>"$OUT/$name.txt" 2>&1 || true
  sed 's/^/   /' "$OUT/$name.txt" >&2
}
val() { grep -ho "\b$2=[^ ]*" "$OUT/$1.txt" 2>/dev/null | tail -1 | cut -d= -f2 || true; }

FDS=$(ulimit -n)
BIG_OK=0; (( IDLE_BIG > 0 && FDS >= IDLE_BIG + 500 )) && BIG_OK=1 || true

for s in $SERVERS; do
  say "$s: idle $IDLE_SMALL"
  start_server "$s"; sleep 1; run_client "$s-idle-$IDLE_SMALL" --proto "$s" --idle "$IDLE_SMALL"; stop_server
  if (( BIG_OK )); then
    say "$s: idle $IDLE_BIG"
    start_server "$s"; sleep 1; run_client "$s-idle-$IDLE_BIG" --proto "$s" --idle "$IDLE_BIG"; stop_server
  fi
  start_server "$s"; sleep 1
  say "$s: 100 subscribers, unpaced";    run_client "$s-100"       --proto "$s" --subs 100  --msgs "$MSGS_100"  --payload $PAYLOAD
  say "$s: 1000 subscribers, unpaced";   run_client "$s-1000"      --proto "$s" --subs 1000 --msgs "$MSGS_1000" --payload $PAYLOAD
  say "$s: 100 subscribers, 100 msg/s";  run_client "$s-100-r100"  --proto "$s" --subs 100  --msgs "$RATE_MSGS" --rate 100 --payload $PAYLOAD
  say "$s: 1000 subscribers, 100 msg/s"; run_client "$s-1000-r100" --proto "$s" --subs 1000 --msgs "$RATE_MSGS" --rate 100 --payload $PAYLOAD
  stop_server
done

# ---- the table ---------------------------------------------------------------------------------------------
row() {  # label, file suffix, key, format
  local h n r
  h=$(val "herald-$2" "$3"); n=$(val "nats-$2" "$3"); r=$(val "redis-$2" "$3")
  awk -v l="$1" -v h="${h:-}" -v n="${n:-}" -v r="${r:-}" -v f="$4" 'function fm(x){ return x == "" ? "-" : sprintf(f, x) }
    function ra(a, b){ return (a == "" || b == "" || b + 0 == 0) ? "-" : sprintf("%.2f", a / b) }
    BEGIN { printf "| %s | %s | %s | %s | %s | %s |\n", l, fm(h), fm(n), fm(r), ra(h, n), ra(h, r) }'
}
{
  echo
  echo "Fan-out over TLS 1.3, loopback, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); herald $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- Sources Package.swift || echo '+dirty'), $(nats-server --version 2>&1 | head -1), $(redis-server --version | awk '{print $1, $3}')"
  echo "1-minute load average before each run (other work on the machine): $(grep -ho 'loadavg_before=[^ ]*' "$OUT"/*.txt | cut -d= -f2 | sort -n | sed -n '1p;$p' | paste -sd- )"
  echo "message on the wire: herald alert line $(val herald-100 alert_line_bytes) B; peers $PAYLOAD B payload"
  echo
  echo "| measure | herald | nats | redis | herald/nats | herald/redis |"
  echo "|---|---|---|---|---|---|"
  row "deliveries/s, 100 subs, unpaced ($MSGS_100 msgs)" 100 deliveries_per_s "%.0f"
  row "deliveries/s, 1,000 subs, unpaced ($MSGS_1000 msgs)" 1000 deliveries_per_s "%.0f"
  row "server CPU %, 100 subs, unpaced" 100 server_cpu_pct "%s"
  row "server CPU %, 1,000 subs, unpaced" 1000 server_cpu_pct "%s"
  row "client CPU %, 1,000 subs, unpaced" 1000 client_cpu_pct "%s"
  row "p50 ms, 100 subs, unpaced" 100 p50_ms "%.2f"
  row "p99 ms, 100 subs, unpaced" 100 p99_ms "%.2f"
  row "p50 ms, 1,000 subs, unpaced" 1000 p50_ms "%.2f"
  row "p99 ms, 1,000 subs, unpaced" 1000 p99_ms "%.2f"
  row "p50 ms, 100 subs, 100 msg/s" 100-r100 p50_ms "%.2f"
  row "p99 ms, 100 subs, 100 msg/s" 100-r100 p99_ms "%.2f"
  row "p50 ms, 1,000 subs, 100 msg/s" 1000-r100 p50_ms "%.2f"
  row "p99 ms, 1,000 subs, 100 msg/s" 1000-r100 p99_ms "%.2f"
  row "server CPU %, 1,000 subs, 100 msg/s" 1000-r100 server_cpu_pct "%s"
  row "KB RSS per idle TLS conn, $IDLE_SMALL" "idle-$IDLE_SMALL" rss_per_conn_kb "%.1f"
  if (( BIG_OK )); then row "KB RSS per idle TLS conn, $IDLE_BIG" "idle-$IDLE_BIG" rss_per_conn_kb "%.1f"
  else echo "| KB RSS per idle TLS conn, $IDLE_BIG | skipped: ulimit -n is $FDS | | | | |"; fi
  row "connect+TLS+subscribe/s (sequential, $IDLE_SMALL)" "idle-$IDLE_SMALL" setup_per_s "%.0f"
  echo
  echo "timeouts (a run that did not finish):$(grep -l 'timed_out=1' "$OUT"/*.txt 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')"
} | tee "$OUT/table.md"
