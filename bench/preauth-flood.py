#!/usr/bin/env python3
"""Pre-authentication flood: many TLS connections without a token, each sending long lines as fast as it can,
against a running `herald serve` that has an auth file (so these connections have no role). Reports the
server's peak resident memory and how long a `PING` on another connection took meanwhile (#17 item 8).

    herald token add probe --roles subscribe --file /tmp/flood/tokens
    herald serve --port 7570 --auth-file /tmp/flood/tokens --max-connections-per-address 0 --certs /tmp/flood/certs &
    python3 bench/preauth-flood.py --port 7570 --ca /tmp/flood/certs/ca.pem --pid $! \
        --connections 1000 --line-bytes 1048576 --seconds 30

Each flooding connection reads and discards what the server answers (`forbidden` per line), so it is not cut off
as a slow consumer and keeps sending for the whole run.
"""
import argparse, asyncio, ssl, time


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None


async def drain_replies(reader, counts):
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            counts["replies"] += 1
    except Exception:
        return


async def flood(port, context, line, deadline, counts):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context, server_hostname="localhost",
                                                       limit=1 << 20)
    except Exception as error:
        counts["connect_errors"] += 1
        counts["last_error"] = repr(error)
        return
    counts["connected"] += 1
    replies = asyncio.ensure_future(drain_replies(reader, counts))
    try:
        while time.monotonic() < deadline:
            writer.write(line)
            await writer.drain()
            counts["lines"] += 1
            counts["bytes"] += len(line)
    except Exception as error:
        counts["write_errors"] += 1
        counts["last_error"] = repr(error)
    finally:
        replies.cancel()
        writer.close()


async def probe(port, context, deadline, latencies):
    reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context, server_hostname="localhost")
    await reader.readline()  # hello
    while time.monotonic() < deadline:
        start = time.monotonic()
        writer.write(b"PING\n")
        await writer.drain()
        await reader.readline()
        latencies.append(time.monotonic() - start)
        await asyncio.sleep(0.5)
    writer.close()


async def sample(pid, deadline, samples):
    while time.monotonic() < deadline:
        value = rss_kib(pid)
        if value:
            samples.append(value)
        await asyncio.sleep(0.25)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--line-bytes", type=int, default=1 << 20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--ramp", type=float, default=0.25, help="pause after every 50 connections (s)")
    arguments = parser.parse_args()
    context = ssl.create_default_context(cafile=arguments.ca)
    line = b"PUB " + b"x" * (arguments.line_bytes - 4) + b"\n"
    counts = {"connected": 0, "connect_errors": 0, "write_errors": 0, "lines": 0, "bytes": 0, "replies": 0,
              "last_error": None}
    before = rss_kib(arguments.pid)
    samples, latencies = [], []
    deadline = time.monotonic() + arguments.seconds
    tasks = [asyncio.ensure_future(sample(arguments.pid, deadline, samples)),
             asyncio.ensure_future(probe(arguments.port, context, deadline, latencies))]
    for index in range(arguments.connections):
        tasks.append(asyncio.ensure_future(flood(arguments.port, context, line, deadline, counts)))
        if index % 50 == 49:
            await asyncio.sleep(arguments.ramp)
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"connections {counts['connected']}/{arguments.connections} (connect errors {counts['connect_errors']}, "
          f"write errors {counts['write_errors']}, last {counts['last_error']})")
    print(f"lines sent {counts['lines']} ({counts['bytes'] / 1048576:.0f} MiB), replies read {counts['replies']}")
    print(f"server RSS before {before / 1024:.1f} MiB, peak {max(samples) / 1024:.1f} MiB, "
          f"end {samples[-1] / 1024:.1f} MiB")
    if latencies:
        print(f"PING on another connection: {len(latencies)} answered, max {max(latencies) * 1000:.0f} ms, "
              f"median {sorted(latencies)[len(latencies) // 2] * 1000:.0f} ms")
    else:
        print("PING on another connection: none answered")


asyncio.run(main())
