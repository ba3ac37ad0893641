"""A straightforward Python implementation of the daemon's protocol, for scripts/peers.sh.

Length-prefixed protobuf `Request`s over a Unix socket, answered with a `Response` holding a
`RiskBreakdown` (score, level, five factors with reasons), using the standard `protobuf`
package and asyncio. Per card it keeps what scripts/peers/card_state.lua keeps in Redis: an
hour's velocity window, a running log-amount mean and variance, the last location and time, and
the last device. It is a yardstick for throughput, not a fraud model.

    python3 -m grpc_tools.protoc -I proto --python_out=GEN proto/streamify/v1/scoring.proto
    PYTHONPATH=GEN python3 scripts/peers/python_server.py --unix peer.sock
"""
import argparse
import asyncio
import math
import os
import signal
import struct
import time

from streamify.v1 import scoring_pb2 as pb

LENGTH = struct.Struct(">I")
LEVELS = ((0.8, pb.ALERT_LEVEL_CRITICAL), (0.6, pb.ALERT_LEVEL_HIGH), (0.3, pb.ALERT_LEVEL_MEDIUM))


class CardState:
    __slots__ = ("window_start", "window_count", "n", "mean", "m2", "last_time", "last_lat", "last_lon", "device")

    def __init__(self, now):
        self.window_start, self.window_count = now, 0
        self.n, self.mean, self.m2 = 0, 0.0, 0.0
        self.last_time = self.last_lat = self.last_lon = self.device = None


cards = {}


def score(tx):
    """The same per-card work as card_state.lua, then the breakdown the daemon would send."""
    started = time.perf_counter()
    now = tx.event_time_ms
    card = cards.get(tx.card_id)
    if card is None:
        card = cards[tx.card_id] = CardState(now)
    if now - card.window_start > 3_600_000 or now < card.window_start:
        card.window_start, card.window_count = now, 0
    card.window_count += 1
    velocity = min(card.window_count / 10, 1.0)

    x = math.log(max(tx.amount_minor, 1))
    amount = 0.0
    if card.n >= 3:
        sd = math.sqrt(card.m2 / (card.n - 1)) + 0.1
        amount = min(max((x - card.mean) / sd / 4, 0.0), 1.0)
    card.n += 1
    delta = x - card.mean
    card.mean += delta / card.n
    card.m2 += delta * (x - card.mean)

    geo, km = 0.0, 0.0
    located = tx.HasField("location")
    if located and card.last_time is not None and card.last_lat is not None and now > card.last_time:
        lat, lon = tx.location.latitude, tx.location.longitude
        dx = math.radians(lon - card.last_lon) * math.cos(math.radians((lat + card.last_lat) / 2))
        dy = math.radians(lat - card.last_lat)
        km = 6371 * math.sqrt(dx * dx + dy * dy)
        geo = min(km / ((now - card.last_time) / 3_600_000) / 1000, 1.0)

    device = 0.5 if card.device is not None and tx.device_id and card.device != tx.device_id else 0.0
    card.last_time = now
    if located:
        card.last_lat, card.last_lon = tx.location.latitude, tx.location.longitude
    if tx.device_id:
        card.device = tx.device_id

    parts = ((pb.FACTOR_AMOUNT, amount, 0.4, f"log-amount {x:.2f} against the card's mean {card.mean:.2f}"),
             (pb.FACTOR_VELOCITY, velocity, 0.3, f"{card.window_count} transactions this hour"),
             (pb.FACTOR_GEOGRAPHIC, geo, 0.5, f"{km:.0f} km since the last located use"),
             (pb.FACTOR_DEVICE, device, 0.3, "a device the card did not use last time" if device else "the card's usual device"),
             (pb.FACTOR_PATTERN, 0.0, 0.0, "no pattern rules in this implementation"))
    keep = 1.0
    for _, value, weight, _ in parts:
        keep *= 1 - value * weight
    risk = 1 - keep
    breakdown = pb.RiskBreakdown(transaction_id=tx.transaction_id, risk_score=risk, model_version="python-peer")
    breakdown.level = next((level for threshold, level in LEVELS if risk >= threshold), pb.ALERT_LEVEL_LOW)
    for factor, value, weight, reason in parts:
        breakdown.factors.add(factor=factor, score=value, weight=weight, contribution=value * weight, reason=reason)
    breakdown.server_time_us = int((time.perf_counter() - started) * 1e6)
    return breakdown


def answer(request):
    body = request.WhichOneof("body")
    if body == "score":
        return pb.Response(request_id=request.request_id, breakdown=score(request.score))
    if body == "ping":
        return pb.Response(request_id=request.request_id, pong=pb.Pong(version="python-peer", cards_tracked=len(cards)))
    return pb.Response(request_id=request.request_id,
                       error=pb.Error(code=pb.ERROR_CODE_INVALID_ARGUMENT, message=f"{body} is not served here"))


class Connection(asyncio.Protocol):
    """Answers every complete frame of a read with one write, as the daemon does."""

    def connection_made(self, transport):
        self.transport, self.buffer = transport, bytearray()

    def data_received(self, data):
        self.buffer += data
        out, offset = [], 0
        while len(self.buffer) - offset >= 4:
            (length,) = LENGTH.unpack_from(self.buffer, offset)
            if len(self.buffer) - offset - 4 < length:
                break
            request = pb.Request()
            request.ParseFromString(bytes(self.buffer[offset + 4:offset + 4 + length]))
            offset += 4 + length
            encoded = answer(request).SerializeToString()
            out.append(LENGTH.pack(len(encoded)))
            out.append(encoded)
        del self.buffer[:offset]
        if out:
            self.transport.write(b"".join(out))


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unix", required=True, help="the socket path to listen on")
    path = parser.parse_args().unix
    if os.path.exists(path):
        os.unlink(path)
    # A launcher may pass on a blocked SIGTERM (Foundation's Process does, from test threads):
    # unblock it, or the server could not be stopped.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    loop = asyncio.get_running_loop()
    server = await loop.create_unix_server(Connection, path)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set_result, None)
    async with server:
        await stop


if __name__ == "__main__":
    asyncio.run(main())
