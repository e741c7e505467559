#!/usr/bin/env python3
"""Publish load against a running herald serve: N connections, each sending M distinct articles and waiting for
each `ok` (an ok means the alerts are durable). Prints articles/s and the ok latency, so the effect of group commit
(many publishers sharing one fsync) shows as throughput that grows with connections.

    python3 bench/publish_load.py --port 7443 --ca certs/ca.pem --connections 1 16 --articles 300
    python3 bench/publish_load.py ... --connections 1 2 --bodies .build-bench/archive/archive.jsonl   # news-sized
    python3 bench/publish_load.py --port 7443 --ports 7443 7444 7445 ...   # a cluster: connection i to port i mod 3
    python3 bench/publish_load.py ... --connections 1 2 --processes   # each publisher in its own process

Each connection's PUB lines are encoded before the clock starts, so the client's own work in the timed loop is a
TLS write and reading the answer. With --processes every connection runs in a process of its own: threads of one
Python process take turns holding the interpreter lock, so two of them are not two independent publishers.

Besides the table, one `RESULT connections=… articles_per_s=…` line per run, for scripts (bench/cluster.sh).
"""
import argparse, json, multiprocessing, socket, ssl, threading, time, uuid


BODIES = []


def lines(count, tag):
    """The PUB lines one connection sends, encoded up front."""
    encoded = []
    for index in range(count):
        if BODIES:
            title, body = BODIES[index % len(BODIES)]
            article = {"title": title, "body": f"({tag}-{index}) {body}"}
        else:
            article = {"title": f"Zebra {tag}-{index}", "body": f"A zebra was seen, report {tag}-{index}."}
        encoded.append(b"PUB " + json.dumps(article).encode() + b"\n")
    return encoded


def worker(port, ca, count, tag, latencies, errors, ready=None, start=None):
    context = ssl.create_default_context(cafile=ca)
    pubs = lines(count, tag)
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            stream = tls.makefile("rwb")
            stream.readline()  # hello
            if ready is not None:
                ready.release()
                start.wait()
            for pub in pubs:
                started = time.perf_counter()
                stream.write(pub)
                stream.flush()
                while True:
                    raw_line = stream.readline()
                    # Most answers are oks; telling them by their first bytes keeps JSON parsing out of the loop.
                    kind = "ok" if raw_line.startswith(b'{"type":"ok"') else json.loads(raw_line).get("type")
                    if kind in ("ok", "error"):
                        break
                latencies.append(time.perf_counter() - started)
                if kind == "error":
                    errors.append(raw_line)


def process_worker(port, ca, count, tag, ready, start, results):
    latencies, errors = [], []
    worker(port, ca, count, tag, latencies, errors, ready, start)
    results.put((latencies, len(errors)))


def run(ports, ca, connections, articles, processes=False):
    latencies, errors, threads = [], [], []
    tag = uuid.uuid4().hex[:8]
    if processes:
        # Every process connects and encodes its lines first; the clock starts when all are ready.
        ready, start, results = multiprocessing.Semaphore(0), multiprocessing.Event(), multiprocessing.Queue()
        workers = [multiprocessing.Process(target=process_worker, args=(
            ports[number % len(ports)], ca, articles, f"{tag}-{number}", ready, start, results)) for number in range(connections)]
        for process in workers:
            process.start()
        for _ in workers:
            ready.acquire()
        started = time.perf_counter()
        start.set()
        for _ in workers:
            their_latencies, their_errors = results.get()
            latencies += their_latencies
            errors += [None] * their_errors
        elapsed = time.perf_counter() - started
        for process in workers:
            process.join()
    else:
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
    parser.add_argument("--processes", action="store_true", help="each connection in its own process (no shared interpreter lock)")
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
        total, elapsed, p50, p99, errors = run(ports, arguments.ca, connections, arguments.articles, arguments.processes)
        rate = total / elapsed
        base = base or rate
        print(f"{connections:>11} {total:>8} {elapsed:>8.2f} {rate:>10.0f} {p50:>9.2f} {p99:>9.2f} {errors:>6}   x{rate / base:.1f}")
        print(f"RESULT connections={connections} articles={total} seconds={elapsed:.3f} articles_per_s={rate:.1f} "
              f"ok_p50_ms={p50:.3f} ok_p99_ms={p99:.3f} errors={errors}", flush=True)


if __name__ == "__main__":
    main()
