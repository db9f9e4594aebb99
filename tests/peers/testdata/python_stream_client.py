"""A grpcio (Python) client for the streaming shapes of a grpcio-go server.

Usage: python_stream_client.py TARGET [CASE ...]

It calls the methods of the service /peers.Streams/ that tests/peers'
python_stream_client_test.go serves, with channel.unary_stream,
stream_unary and stream_stream on raw bytes (no serializers), and prints
"PASS <case>" or "FAIL <case>: <reason>" for each case, like
python_client.py, whose helpers it uses. It exits with status 1 if any case
failed, 2 on a usage error.
"""

import queue
import sys
import threading
import time
import traceback

import grpc

from python_client import Failure, check, check_eq, md_tuple

SERVICE = "/peers.Streams/"

# What the Go side's Repeat sends back in its initial metadata (the x- keys
# of the invocation metadata) and its trailing metadata.
REPEAT_MD = (
    ("x-stream-key", "stream-value"),
    ("x-stream-key-bin", b"\x00\x01\xfe\xff"),
)


def repeat_trailers(n):
    return (("count", str(n)), ("count-bin", bytes([n & 0xFF, 0x00, 0xFF])))


def numbered(prefix, n):
    return [b"%s-%d" % (prefix, i) for i in range(n)]


# Requests of the bulk cases: sizes from 0 to 64 KiB, bytes that are not text.
def bulk_requests():
    out = []
    for i in range(100):
        size = (i * 661) % (64 * 1024 + 1) if i % 10 else 0
        out.append(bytes(((j * 31) + i) & 0xFF for j in range(size)))
    return out


def expect_stream_error(it, code, details):
    """Drains it; returns the responses received before the RpcError."""
    got = []
    try:
        for resp in it:
            got.append(resp)
    except grpc.RpcError as e:
        check_eq("code", e.code(), code)
        check_eq("details", e.details(), details)
        return got
    raise Failure("the stream ended without an RpcError after %d responses" % len(got))


# unary-stream

def case_unary_stream(channel):
    n = 25
    it = channel.unary_stream(SERVICE + "Repeat")(
        b"item", metadata=REPEAT_MD + (("repeat-count", str(n)),), timeout=30)
    # Initial metadata comes before the first response is read.
    check_eq("initial metadata", md_tuple(it.initial_metadata()), REPEAT_MD)
    got = list(it)
    check_eq("responses", got, numbered(b"item", n))
    check_eq("code", it.code(), grpc.StatusCode.OK)
    check_eq("details", it.details(), "")
    check_eq("trailing metadata", md_tuple(it.trailing_metadata()), repeat_trailers(n))


def case_unary_stream_many(channel):
    n = 2000
    it = channel.unary_stream(SERVICE + "Repeat")(
        b"m", metadata=(("repeat-count", str(n)),), timeout=30)
    got = list(it)
    check_eq("number of responses", len(got), n)
    check(got == numbered(b"m", n), "responses out of order or altered")
    check_eq("code", it.code(), grpc.StatusCode.OK)


def case_unary_stream_empty(channel):
    it = channel.unary_stream(SERVICE + "Repeat")(
        b"none", metadata=(("repeat-count", "0"),), timeout=30)
    check_eq("responses", list(it), [])
    check_eq("code", it.code(), grpc.StatusCode.OK)
    check_eq("trailing metadata", md_tuple(it.trailing_metadata()), repeat_trailers(0))


def case_unary_stream_error(channel):
    it = channel.unary_stream(SERVICE + "FailAfter")(b"x", timeout=30)
    got = expect_stream_error(it, grpc.StatusCode.UNKNOWN,
                              "Exception iterating responses: boom after two")
    check_eq("responses before the error", got, [b"one", b"two"])
    check_eq("code", it.code(), grpc.StatusCode.UNKNOWN)


def case_unary_stream_abort(channel):
    it = channel.unary_stream(SERVICE + "AbortAfter")(b"x", timeout=30)
    got = expect_stream_error(it, grpc.StatusCode.RESOURCE_EXHAUSTED, "enough for today")
    check_eq("responses before the abort", got, [b"first"])


# stream-unary

def case_stream_unary(channel):
    reqs = numbered(b"part", 40)
    resp = channel.stream_unary(SERVICE + "Join")(iter(reqs), timeout=30)
    check_eq("response", resp, b"+".join(reqs))


def case_stream_unary_with_call(channel):
    reqs = [b"alpha", b"", b"\x00\xff", b"omega"]
    resp, call = channel.stream_unary(SERVICE + "Join").with_call(iter(reqs), timeout=30)
    check_eq("response", resp, b"alpha++\x00\xff+omega")
    check_eq("code", call.code(), grpc.StatusCode.OK)
    check_eq("trailing metadata", md_tuple(call.trailing_metadata()),
             (("count", "4"), ("count-bin", b"\x04")))


def case_stream_unary_future(channel):
    reqs = numbered(b"fut", 7)

    def gen():  # a generator, consumed on grpcio's own thread
        for r in reqs:
            yield r

    f = channel.stream_unary(SERVICE + "Join").future(gen(), timeout=30)
    check_eq("result", f.result(timeout=30), b"+".join(reqs))
    check(f.done(), "future not done after result()")
    check_eq("code", f.code(), grpc.StatusCode.OK)
    check_eq("trailing metadata", md_tuple(f.trailing_metadata()),
             (("count", "7"), ("count-bin", b"\x07")))


def case_stream_unary_empty(channel):
    resp, call = channel.stream_unary(SERVICE + "Join").with_call(iter(()), timeout=30)
    check_eq("response", resp, b"")
    check_eq("trailing metadata", md_tuple(call.trailing_metadata()),
             (("count", "0"), ("count-bin", b"\x00")))


def case_stream_unary_bulk(channel):
    reqs = bulk_requests()
    resp = channel.stream_unary(SERVICE + "Join")(iter(reqs), timeout=30)
    check(resp == b"+".join(reqs), "bulk join differs (%d bytes)" % len(resp))


# stream-stream

def case_stream_stream_ping_pong(channel):
    n = 30
    q = queue.Queue()
    it = channel.stream_stream(SERVICE + "Echo")(iter(q.get, None), timeout=30)
    for i in range(n):
        q.put(b"ping-%d" % i)
        check_eq("response %d" % i, next(it), b"echo:ping-%d" % i)
    q.put(None)  # ends the request iterator: the client half-closes
    try:
        extra = next(it)
    except StopIteration:
        pass
    else:
        raise Failure("a response after the requests ended: %r" % (extra,))
    check_eq("code", it.code(), grpc.StatusCode.OK)


def case_stream_stream_bulk(channel):
    reqs = bulk_requests()
    got = list(channel.stream_stream(SERVICE + "Echo")(iter(reqs), timeout=30))
    check_eq("number of responses", len(got), len(reqs))
    for i, (g, r) in enumerate(zip(got, reqs)):
        check(g == b"echo:" + r, "response %d (%d bytes) is not the echo of its request" % (i, len(g)))


def case_stream_stream_empty(channel):
    it = channel.stream_stream(SERVICE + "Echo")(iter(()), timeout=30)
    check_eq("responses", list(it), [])
    check_eq("code", it.code(), grpc.StatusCode.OK)


def case_stream_stream_error(channel):
    it = channel.stream_stream(SERVICE + "EchoThenFail")(iter([b"a", b"b", b"c"]), timeout=30)
    got = expect_stream_error(it, grpc.StatusCode.UNKNOWN,
                              "Exception iterating responses: failed after 3 requests")
    check_eq("responses before the error", got, [b"echo:a", b"echo:b", b"echo:c"])


# cancellation and deadlines

def case_cancel_unary_stream(channel):
    it = channel.unary_stream(SERVICE + "Endless")(b"cancel", timeout=30)
    got = [next(it) for _ in range(5)]
    check_eq("responses before cancel", got, [b"0", b"1", b"2", b"3", b"4"])
    check(it.is_active(), "RPC not active before cancel()")
    check(it.cancel(), "cancel() returned False")
    try:
        for _ in it:
            pass
    except grpc.RpcError as e:
        check_eq("code", e.code(), grpc.StatusCode.CANCELLED)
        check_eq("details", e.details(), "Locally cancelled by application!")
    else:
        raise Failure("the iterator ended without raising after cancel()")
    check_eq("code", it.code(), grpc.StatusCode.CANCELLED)
    check_eq("details", it.details(), "Locally cancelled by application!")
    check(not it.is_active(), "RPC still active after cancel()")


def case_cancel_stream_stream(channel):
    stop = threading.Event()

    def reqs():  # one request, then wait: the request stream stays open
        yield b"cancel-bidi"
        stop.wait(30)

    it = channel.stream_stream(SERVICE + "EndlessBidi")(reqs(), timeout=30)
    try:
        check_eq("first responses", [next(it) for _ in range(3)], [b"0", b"1", b"2"])
        check(it.cancel(), "cancel() returned False")
        expect_stream_error(it, grpc.StatusCode.CANCELLED, "Locally cancelled by application!")
    finally:
        stop.set()


def deadline_case(method, make_request_arg):
    def run(channel):
        stop = threading.Event()
        start = time.monotonic()
        try:
            it = method(channel)(make_request_arg(stop), timeout=0.2)
            got = expect_stream_error(it, grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded")
        finally:
            stop.set()
        elapsed = time.monotonic() - start
        check(elapsed >= 0.15, "deadline exceeded after only %.3fs" % elapsed)
        check(len(got) > 0, "no responses before the deadline")
        check_eq("responses", got, [b"%d" % i for i in range(len(got))])
    return run


def _blocked_requests(name):
    def make(stop):
        def gen():
            yield name
            stop.wait(30)
        return gen()
    return make


CASES = {
    "unary_stream": case_unary_stream,
    "unary_stream_many": case_unary_stream_many,
    "unary_stream_empty": case_unary_stream_empty,
    "unary_stream_error": case_unary_stream_error,
    "unary_stream_abort": case_unary_stream_abort,
    "stream_unary": case_stream_unary,
    "stream_unary_with_call": case_stream_unary_with_call,
    "stream_unary_future": case_stream_unary_future,
    "stream_unary_empty": case_stream_unary_empty,
    "stream_unary_bulk": case_stream_unary_bulk,
    "stream_stream_ping_pong": case_stream_stream_ping_pong,
    "stream_stream_bulk": case_stream_stream_bulk,
    "stream_stream_empty": case_stream_stream_empty,
    "stream_stream_error": case_stream_stream_error,
    "cancel_unary_stream": case_cancel_unary_stream,
    "cancel_stream_stream": case_cancel_stream_stream,
    "deadline_unary_stream": deadline_case(
        lambda ch: ch.unary_stream(SERVICE + "Endless"), lambda stop: b"deadline"),
    "deadline_stream_stream": deadline_case(
        lambda ch: ch.stream_stream(SERVICE + "EndlessBidi"), _blocked_requests(b"deadline-bidi")),
}


def main(argv):
    if len(argv) < 2:
        print("usage: python_stream_client.py TARGET [CASE ...]", file=sys.stderr)
        return 2
    target, names = argv[1], argv[2:] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print("unknown cases: %s" % ", ".join(unknown), file=sys.stderr)
        return 2
    failed = 0
    with grpc.insecure_channel(target) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=30)
        except grpc.FutureTimeoutError:
            print("FAIL connect: channel to %s not ready within 30s" % target, flush=True)
            return 1
        for name in names:
            try:
                CASES[name](channel)
            except Failure as e:
                failed += 1
                print("FAIL %s: %s" % (name, e), flush=True)
            except Exception:  # anything unexpected fails the case, with its traceback
                failed += 1
                reason = traceback.format_exc().strip().replace("\n", "\n    ")
                print("FAIL %s: unexpected exception:\n    %s" % (name, reason), flush=True)
            else:
                print("PASS %s" % name, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
