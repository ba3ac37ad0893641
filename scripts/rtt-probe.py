#!/usr/bin/env python3
"""One scoring request at a time over the daemon's Unix socket, from a plain Python client that
waits for each answer in one of three ways, to see what the waiting itself costs on this host
(docs/performance.md §25):

  blocking  recv() on a blocking socket (the kernel wakes the thread directly);
  epoll     epoll_wait() on a non-blocking socket, as an event loop waits;
  spin      recv(MSG_DONTWAIT) in a loop: no wake-up on the client's side at all.

usage: scripts/rtt-probe.py SOCKET [--mode blocking|epoll|spin] [--count N] [--warmup N]

Requests are hand-encoded streamify.v1.Request frames (field numbers from proto/streamify/v1/
scoring.proto), one transaction each, over 100,000 cards, so no protobuf package is needed.
Prints p50, p90, p99, p99.9 and the maximum in microseconds. `loadgen floor --target unix:SOCKET`
is the project's own measurement; this probe exists to compare ways of waiting."""
import argparse, select, socket, struct, time


def varint(value):
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def field(number, wire_type, payload):
    key = varint(number << 3 | wire_type)
    return key + varint(len(payload)) + payload if wire_type == 2 else key + payload


def text(number, value):
    return field(number, 2, value.encode())


def request(index, event_time_ms):
    location = field(1, 1, struct.pack("<d", 40.7)) + field(2, 1, struct.pack("<d", -74.0))
    transaction = (
        text(1, f"tx-{index}") + text(2, f"card-{index % 100000}") + text(3, f"m-{index % 5000}")
        + field(4, 0, varint(1000 + index % 9000)) + text(5, "USD") + field(6, 0, varint(event_time_ms))
        + field(7, 2, location) + text(8, "US") + text(9, f"dev-{index % 150000}") + text(12, "5411")
        + text(13, "credit_card") + field(14, 0, varint(2)))
    body = field(1, 0, varint(index + 1)) + field(2, 2, transaction)
    return struct.pack(">I", len(body)) + body


def answered(buffer):
    return len(buffer) >= 4 and len(buffer) >= 4 + struct.unpack(">I", buffer[:4])[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("socket")
    parser.add_argument("--mode", choices=["blocking", "epoll", "spin"], default="blocking")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--warmup", type=int, default=5_000)
    options = parser.parse_args()
    if options.count < 1 or options.warmup < 0:
        parser.error("--count must be at least 1 and --warmup not negative")

    start_ms = int(time.time() * 1000)
    frames = [request(i, start_ms + i * 10) for i in range(options.warmup + options.count)]
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(options.socket)
    poller = None
    if options.mode != "blocking":
        connection.setblocking(False)
    if options.mode == "epoll":
        poller = select.epoll()
        poller.register(connection.fileno(), select.EPOLLIN)

    latencies = []
    for index, frame in enumerate(frames):
        started = time.perf_counter_ns()
        connection.sendall(frame) if options.mode == "blocking" else connection.send(frame)
        buffer = b""
        while not answered(buffer):
            if poller:
                poller.poll()
            try:
                chunk = connection.recv(65536)
            except BlockingIOError:
                continue
            if not chunk:
                raise SystemExit(f"the daemon closed the connection at request {index + 1}")
            buffer += chunk
        if index >= options.warmup:
            latencies.append(time.perf_counter_ns() - started)

    latencies.sort()
    def at(share):
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] / 1000
    print(f"{options.mode}: {len(latencies)} round trips, p50 {at(0.5):.1f} µs, p90 {at(0.9):.1f}, "
          f"p99 {at(0.99):.1f}, p99.9 {at(0.999):.1f}, max {latencies[-1] / 1000:.1f}")


if __name__ == "__main__":
    main()
