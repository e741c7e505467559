#!/usr/bin/env python3
"""Publish load against a running herald serve: N connections, each sending M distinct articles and waiting for
each `ok` (an ok means the alerts are durable). Prints articles/s and the ok latency, so the effect of group commit
(many publishers sharing one fsync) shows as throughput that grows with connections.

    python3 bench/publish_load.py --port 7443 --ca certs/ca.pem --connections 1 16 --articles 300
    python3 bench/publish_load.py ... --connections 1 2 --bodies .build-bench/archive/archive.jsonl   # news-sized
    python3 bench/publish_load.py --port 7443 --ports 7443 7444 7445 ...   # a cluster: connection i to port i mod 3

Besides the table, one `RESULT connections=… articles_per_s=…` line per run, for scripts (bench/cluster.sh).
"""
import argparse, json, socket, ssl, threading, time, uuid


BODIES = []


def worker(port, ca, count, tag, latencies, errors):
    context = ssl.create_default_context(cafile=ca)
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            stream = tls.makefile("rwb")
            stream.readline()  # hello
            for index in range(count):
                if BODIES:
                    title, body = BODIES[index % len(BODIES)]
                    article = {"title": title, "body": f"({tag}-{index}) {body}"}
                else:
                    article = {"title": f"Zebra {tag}-{index}", "body": f"A zebra was seen, report {tag}-{index}."}
                started = time.perf_counter()
                stream.write(b"PUB " + json.dumps(article).encode() + b"\n")
                stream.flush()
                while True:
                    line = json.loads(stream.readline())
                    if line.get("type") in ("ok", "error"):
                        break
                latencies.append(time.perf_counter() - started)
                if line.get("type") == "error":
                    errors.append(line)


def run(ports, ca, connections, articles):
    latencies, errors, threads = [], [], []
    tag = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    for number in range(connections):
        port = ports[number % len(ports)]
        thread = threading.Thread(target=worker, args=(port, ca, articles, f"{tag}-{number}", latencies, errors))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    total = connections * articles
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    return total, elapsed, p50, p99, len(errors)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=7443)
    parser.add_argument("--ports", type=int, nargs="+", help="several servers sharing one log: connections spread over them")
    parser.add_argument("--ca", default="certs/ca.pem")
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--articles", type=int, default=200, help="per connection")
    parser.add_argument("--bodies", help="JSON lines of real articles to send (title, body) instead of one-line ones")
    arguments = parser.parse_args()
    if arguments.bodies:
        for line in open(arguments.bodies, encoding="utf-8"):
            article = json.loads(line)
            BODIES.append((article["title"], article["body"]))
    print(f"{'connections':>11} {'articles':>8} {'seconds':>8} {'articles/s':>10} {'ok p50 ms':>9} {'ok p99 ms':>9} {'errors':>6}")
    base = None
    for connections in arguments.connections:
        ports = arguments.ports or [arguments.port]
        total, elapsed, p50, p99, errors = run(ports, arguments.ca, connections, arguments.articles)
        rate = total / elapsed
        base = base or rate
        print(f"{connections:>11} {total:>8} {elapsed:>8.2f} {rate:>10.0f} {p50:>9.2f} {p99:>9.2f} {errors:>6}   x{rate / base:.1f}")
        print(f"RESULT connections={connections} articles={total} seconds={elapsed:.3f} articles_per_s={rate:.1f} "
              f"ok_p50_ms={p50:.3f} ok_p99_ms={p99:.3f} errors={errors}", flush=True)


if __name__ == "__main__":
    main()
