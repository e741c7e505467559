#!/usr/bin/env python3
"""Soak test: many TLS subscribers and a steady publisher against a running `herald serve`, for a bounded time,
on loopback only. Reports alerts delivered vs expected, errors, and the server's memory growth.

    python3 bench/soak.py --port 7443 --ca certs/ca.pem --pid <server pid> --subscribers 1000 --rate 5 --seconds 180

Every subscriber sends `SUB *`; the publisher sends one distinct article per 1/rate seconds that fires exactly
one rule, and waits for its `ok`. At the end every subscriber must have received every alert, once, in order.
"""
import argparse, asyncio, json, ssl, time, uuid


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None


class Subscriber:
    def __init__(self):
        self.ids = []
        self.errors = []
        self.closed = False


async def subscribe(port, context, subscriber, ready):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, ssl=context, server_hostname="localhost",
                                                       limit=1 << 22)
        await reader.readline()  # hello
        writer.write(b"SUB *\n")
        await writer.drain()
        await reader.readline()  # ok
        ready.set_result(True)
        while True:
            line = await reader.readline()
            if not line:
                subscriber.closed = True
                return
            message = json.loads(line)
            if message.get("type") == "alert":
                subscriber.ids.append(message["id"])
            elif message.get("type") in ("error", "bye"):
                subscriber.errors.append(message)
    except Exception as error:  # noqa: BLE001 - any failure is a finding to report
        subscriber.errors.append(repr(error))
        if not ready.done():
            ready.set_result(False)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=5.0, help="articles per second")
    parser.add_argument("--seconds", type=float, default=120.0)
    arguments = parser.parse_args()
    context = ssl.create_default_context(cafile=arguments.ca)

    subscribers = [Subscriber() for _ in range(arguments.subscribers)]
    tasks, readies = [], []
    for index, subscriber in enumerate(subscribers):
        ready = asyncio.get_running_loop().create_future()
        readies.append(ready)
        tasks.append(asyncio.create_task(subscribe(arguments.port, context, subscriber, ready)))
        if index % 50 == 49:
            await asyncio.sleep(0.05)
    connected = sum(1 for ok in await asyncio.gather(*readies) if ok)
    rss_start = rss_kib(arguments.pid)
    print(f"subscribers connected: {connected}/{arguments.subscribers}; server RSS {rss_start} KiB")

    reader, writer = await asyncio.open_connection("127.0.0.1", arguments.port, ssl=context, server_hostname="localhost")
    await reader.readline()
    tag = uuid.uuid4().hex[:8]
    published, publish_errors, rss_samples = [], [], []
    started = time.monotonic()
    next_at = started
    index = 0
    while time.monotonic() - started < arguments.seconds:
        article = {"title": f"Zebra {tag} {index}", "body": f"A zebra was seen, report {tag}-{index}."}
        writer.write(b"PUB " + json.dumps(article).encode() + b"\n")
        await writer.drain()
        reply = json.loads(await reader.readline())
        if reply.get("type") == "ok":
            published += reply.get("alert_ids", [])
        else:
            publish_errors.append(reply)
        index += 1
        if index % max(1, int(arguments.rate * 10)) == 0:
            rss_samples.append(rss_kib(arguments.pid))
        next_at += 1 / arguments.rate
        await asyncio.sleep(max(0, next_at - time.monotonic()))
    await asyncio.sleep(2)  # let the last alerts arrive
    rss_end = rss_kib(arguments.pid)
    writer.write(b"QUIT\n")
    await writer.drain()

    expected = len(published)
    complete = sum(1 for s in subscribers if s.ids[-expected:] == published and len(s.ids) == expected)
    missing = sum(max(0, expected - len(set(s.ids) & set(published))) for s in subscribers)
    duplicates = sum(len(s.ids) - len(set(s.ids)) for s in subscribers)
    out_of_order = sum(1 for s in subscribers if s.ids != sorted(s.ids))
    errors = sum(len(s.errors) for s in subscribers)
    print(json.dumps({
        "seconds": arguments.seconds, "subscribers": arguments.subscribers, "connected": connected,
        "articles": index, "alerts_published": expected, "publish_errors": len(publish_errors),
        "deliveries_expected": expected * connected,
        "deliveries_received": sum(len(s.ids) for s in subscribers),
        "subscribers_complete_and_in_order": complete, "missing": missing, "duplicates": duplicates,
        "subscribers_out_of_order": out_of_order, "subscriber_errors": errors,
        "server_rss_kib": {"start": rss_start, "end": rss_end, "samples": rss_samples},
    }, indent=1))
    for task in tasks:
        task.cancel()


if __name__ == "__main__":
    asyncio.run(main())
