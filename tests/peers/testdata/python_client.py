"""A grpcio (Python) client that exercises a grpcio-go server.

Usage: python_client.py TARGET [CASE ...]

It calls the methods of the service /peers.Peers/ that tests/peers'
peers_test.go serves, with channel.unary_unary(path) on raw bytes (no
serializers), and prints "PASS <case>" or "FAIL <case>: <reason>" for each
case. It exits with status 1 if any case failed, 2 on a usage error.
"""

import sys
import time
import traceback

import grpc

SERVICE = "/peers.Peers/"

# 1 MiB of bytes that do not repeat with a short period; peers_test.go's
# bigPayload builds the same.
BIG = bytes(((i * 7) + (i >> 8) * 13 + (i >> 16)) & 0xFF for i in range(1 << 20))

INVOCATION_MD = (
    ("invocation-md-key", "invocation-md-value"),
    ("invocation-md-key-bin", b"\x00\x01"),
)
SERVER_TRAILING_MD = (
    ("server-trailing-md-key", "server-trailing-md-value"),
    ("server-trailing-md-key-bin", b"\x00\x03"),
)
BURST = 50


class Failure(Exception):
    pass


def check_eq(what, got, want):
    if got != want:
        raise Failure("%s: got %r, want %r" % (what, got, want))


def check(cond, reason):
    if not cond:
        raise Failure(reason)


def md_tuple(md):
    """Metadata as plain (key, value) tuples (grpcio gives _Metadatum)."""
    return tuple((m[0], m[1]) for m in (md or ()))


def expect_rpc_error(fn, code, details=None, details_prefix=None):
    try:
        resp = fn()
    except grpc.RpcError as e:
        check_eq("code", e.code(), code)
        if details is not None:
            check_eq("details", e.details(), details)
        if details_prefix is not None:
            check(e.details().startswith(details_prefix),
                  "details %r do not start with %r" % (e.details(), details_prefix))
        return e
    raise Failure("no RpcError; the call returned %r" % (resp,))


def method(channel, name):
    return channel.unary_unary(SERVICE + name)


def echo_case(payload):
    def run(channel):
        resp, call = method(channel, "Echo").with_call(payload, timeout=30)
        check(type(resp) is bytes, "response is %s, not bytes" % type(resp).__name__)
        check_eq("response length", len(resp), len(payload))
        check(resp == payload, "response bytes differ from the request")
        check_eq("code", call.code(), grpc.StatusCode.OK)
        check_eq("details", call.details(), "")
    return run


def case_metadata(channel):
    resp, call = method(channel, "Metadata").with_call(b"md", metadata=INVOCATION_MD, timeout=30)
    check_eq("response", resp, b"md")
    check_eq("initial metadata", md_tuple(call.initial_metadata()), INVOCATION_MD)
    check_eq("trailing metadata", md_tuple(call.trailing_metadata()), SERVER_TRAILING_MD)
    check_eq("code", call.code(), grpc.StatusCode.OK)


def case_set_code(channel):
    expect_rpc_error(lambda: method(channel, "SetCode")(b"x", timeout=30),
                     grpc.StatusCode.NOT_FOUND, details="Test details!")


def case_abort(channel):
    expect_rpc_error(lambda: method(channel, "Abort")(b"x", timeout=30),
                     grpc.StatusCode.INTERNAL, details="Abandon ship!")


def case_error(channel):
    expect_rpc_error(lambda: method(channel, "Error")(b"x", timeout=30),
                     grpc.StatusCode.UNKNOWN, details="Exception calling application: kaput")


def case_panic(channel):
    expect_rpc_error(lambda: method(channel, "Panic")(b"x", timeout=30),
                     grpc.StatusCode.UNKNOWN, details_prefix="Exception calling application: ")


def case_unknown_method(channel):
    expect_rpc_error(lambda: method(channel, "NoSuchMethod")(b"x", timeout=30),
                     grpc.StatusCode.UNIMPLEMENTED, details="Method not found!")


def case_deadline(channel):
    start = time.monotonic()
    expect_rpc_error(lambda: method(channel, "Sleep")(b"x", timeout=0.2),
                     grpc.StatusCode.DEADLINE_EXCEEDED, details="Deadline Exceeded")
    elapsed = time.monotonic() - start
    check(elapsed >= 0.15, "deadline exceeded after only %.3fs" % elapsed)


def case_future_cancel(channel):
    f = method(channel, "Block").future(b"x", timeout=30)
    # BlockStarted returns once Block's handler runs: the RPC is on the server.
    # (A unary future's initial_metadata() would wait for the end of the RPC:
    # grpcio receives it in the same batch as the status.)
    check_eq("BlockStarted response", method(channel, "BlockStarted")(b"started", timeout=30), b"started")
    check(f.running(), "future not running before cancel")
    check(f.cancel(), "cancel() returned False")
    check(f.cancelled(), "cancelled() is False after cancel()")
    check(f.done(), "done() is False after cancel()")
    check_eq("code", f.code(), grpc.StatusCode.CANCELLED)
    check_eq("details", f.details(), "Locally cancelled by application!")
    try:
        f.result()
    except grpc.FutureCancelledError:
        pass
    else:
        raise Failure("result() did not raise FutureCancelledError")


def case_burst(channel):
    mc = method(channel, "Echo")
    payloads = [b"burst-%d" % i for i in range(BURST)]
    futures = [mc.future(p, timeout=30) for p in payloads]
    for p, f in zip(payloads, futures):
        check_eq("response of %r" % p, f.result(), p)
        check_eq("code of %r" % p, f.code(), grpc.StatusCode.OK)


CASES = {
    "echo_empty": echo_case(b""),
    "echo_small": echo_case(b"hello"),
    "echo_1mib": echo_case(BIG),
    "metadata": case_metadata,
    "set_code": case_set_code,
    "abort": case_abort,
    "error": case_error,
    "panic": case_panic,
    "unknown_method": case_unknown_method,
    "deadline": case_deadline,
    "future_cancel": case_future_cancel,
    "burst": case_burst,
}


def main(argv):
    if len(argv) < 2:
        print("usage: python_client.py TARGET [CASE ...]", file=sys.stderr)
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
