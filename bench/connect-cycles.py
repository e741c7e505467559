#!/usr/bin/env python3
"""Connect/close cycles against a running `herald serve`: does memory come back? (#17 item 1)

    herald serve --port 7571 --data /tmp/cyc/data --certs /tmp/cyc/certs --max-connections-per-address 0 &
    python3 bench/connect-cycles.py --port 7571 --ca /tmp/cyc/certs/ca.pem --pid $! --cycles 100000

Each cycle opens a connection, completes the TLS handshake, sends `PING`, reads the answer and closes. Several
cycles run at once (--parallel) so the run takes minutes, not an hour. Resident memory is printed after the
first 1,000 cycles (once the server has settled) and every --every cycles after; the last line compares the end
with the settled figure (target: within 10 MB).
"""
import argparse, asyncio, ssl, time


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def cycle(port, context):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context,
                                                   server_hostname="localhost" if context else None)
    writer.write(b"PING\r\n")
    await writer.drain()
    while True:
        line = await reader.readline()
        if not line or b"pong" in line:
            break
    writer.close()
    try:
        await writer.wait_closed()
    except Exception:
        pass


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", help="CA certificate; without it the connection is plain TCP (--plain servers)")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--cycles", type=int, default=100_000)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--every", type=int, default=10_000)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds to wait before each reading")
    args = parser.parse_args()
    context = None
    if args.ca:
        context = ssl.create_default_context(cafile=args.ca)
    done, failed = 0, 0
    settled = None
    started = time.monotonic()
    print(f"start rss {rss_kib(args.pid) / 1024:.1f} MiB", flush=True)
    checkpoints = [1_000] + list(range(args.every, args.cycles + 1, args.every))
    for checkpoint in checkpoints:
        while done < checkpoint:
            batch = min(args.parallel, checkpoint - done)
            results = await asyncio.gather(*(cycle(args.port, context) for _ in range(batch)),
                                           return_exceptions=True)
            failed += sum(1 for r in results if isinstance(r, Exception))
            done += batch
        await asyncio.sleep(args.settle)
        rss = rss_kib(args.pid) / 1024
        if settled is None:
            settled = rss
        print(f"cycles {done:>7}  rss {rss:7.1f} MiB  ({rss - settled:+.1f} since 1,000)  failed {failed}  "
              f"{done / (time.monotonic() - started):.0f}/s", flush=True)
    rss = rss_kib(args.pid) / 1024
    verdict = "within" if abs(rss - settled) <= 10 else "NOT within"
    print(f"end: {rss:.1f} MiB after {done} cycles, {rss - settled:+.1f} MiB since 1,000 cycles: {verdict} 10 MB")


asyncio.run(main())
