# Scores one transaction over the daemon's Unix socket with the standard `protobuf` package.
#   pip install protobuf grpcio-tools
#   python -m grpc_tools.protoc -I proto --python_out=examples/python proto/streamify/v1/scoring.proto
#   STREAMIFY_SOCKET=streamify.sock python examples/python/score_transaction.py
import os, socket, struct, time

from streamify.v1 import scoring_pb2 as pb


def read_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("daemon closed the connection")
        data += chunk
    return data


def call(sock, request):
    """Sends one length-prefixed Request and reads its Response."""
    body = request.SerializeToString()
    sock.sendall(struct.pack(">I", len(body)) + body)
    (length,) = struct.unpack(">I", read_exactly(sock, 4))
    response = pb.Response()
    response.ParseFromString(read_exactly(sock, length))
    return response


sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(os.environ.get("STREAMIFY_SOCKET", "streamify.sock"))
request = pb.Request(
    request_id=1,
    score=pb.Transaction(
        transaction_id="tx-1001", card_id="card-42", merchant_id="merchant-7",
        amount_minor=12999, currency="USD", event_time_ms=int(time.time() * 1000),
        location=pb.GeoPoint(latitude=40.7128, longitude=-74.0060), country="US",
        device_id="device-abc", merchant_category="5732", payment_method="credit_card",
        channel=pb.CHANNEL_ONLINE,
    ),
)
response = call(sock, request)
if response.WhichOneof("body") == "error":
    raise SystemExit(f"refused: {pb.ErrorCode.Name(response.error.code)} {response.error.field}: {response.error.message}")
breakdown = response.breakdown
print(f"{breakdown.transaction_id}: risk {breakdown.risk_score:.3f} {pb.AlertLevel.Name(breakdown.level)} "
      f"(model {breakdown.model_version}, {breakdown.server_time_us} us in server)")
for factor in breakdown.factors:
    print(f"  {pb.Factor.Name(factor.factor):<18} score {factor.score:.2f} "
          f"contribution {factor.contribution:.3f}  {factor.reason}")
