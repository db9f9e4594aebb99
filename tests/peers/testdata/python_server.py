"""A grpcio (Python) server that grpcio-go's client is tested against.

Usage: python_server.py

It listens on 127.0.0.1 on a free port, prints "PORT <n>" on stdout and
serves raw bytes (no serializers) through a generic handler, every method
under /pyserver.PyServer/:

  Echo         unary-unary   returns the request; initial metadata echoes
                             the x- keys of the invocation metadata; trailing
                             metadata TRAILERS
  Status       unary-unary   the request is "<CODE_NAME>:<details>": ends with
                             set_code/set_details and TRAILERS
  Abort        unary-unary   context.abort(PERMISSION_DENIED, "go away")
  Raise        unary-unary   raises ValueError("kaput")
  Repeat       unary-stream  "<req>-<i>" for i below the invocation
                             metadata's repeat-count; initial metadata echoes
                             the x- keys; trailing ("count", n),
                             ("count-bin", bytes([n, 0, 255]))
  FailAfter    unary-stream  b"one", b"two", then raises
                             ValueError("boom after two")
  StatusStream unary-stream  b"before", then ends with set_code/set_details
                             from a "<CODE_NAME>:<details>" request
  Join         stream-unary  the requests joined with b"+"; trailing
                             ("count", n), ("count-bin", bytes([n]))
  BidiEcho     stream-stream b"echo:" + each request as it arrives; initial
                             metadata echoes the x- keys
  Endless      unary-stream  b"0", b"1", ... until the RPC ends; the request
                             names it
  EndlessBidi  stream-stream the same; its first request names it
  EndlessJoin  stream-unary  reads requests until the RPC ends; the first
                             names it
  Report       unary-unary   waits until the endless RPC named by the request
                             has ended and returns how: b"cancelled" (ended
                             with more than 5s before its deadline) or
                             b"deadline"

Anything else is UNIMPLEMENTED, as grpcio answers an unknown method. It
exits when its standard input reaches end of file, so that it does not
outlive a test binary that died without stopping it.
"""

import sys
import threading
import time
from concurrent import futures

import grpc

SERVICE = "/pyserver.PyServer/"
TRAILERS = (
    ("trailing-key", "trailing-value"),
    ("trailing-key-bin", b"\x00\xff"),
)


class Endings(object):
    """How the endless RPCs ended, by name."""

    def __init__(self):
        self._cond = threading.Condition()
        self._ended = {}

    def watch(self, name, context):
        def ended():
            how = b"cancelled" if context.time_remaining() > 5 else b"deadline"
            with self._cond:
                self._ended[name] = how
                self._cond.notify_all()
        if not context.add_callback(ended):
            ended()

    def wait(self, name, timeout):
        with self._cond:
            self._cond.wait_for(lambda: name in self._ended, timeout)
            return self._ended.pop(name, b"not ended")


ENDINGS = Endings()


def echo_x_keys(context):
    return tuple((k, v) for k, v in context.invocation_metadata() if k.startswith("x-"))


def set_status(context, request):
    name, _, details = request.decode().partition(":")
    context.set_code(grpc.StatusCode[name])
    context.set_details(details)


def echo(request, context):
    context.send_initial_metadata(echo_x_keys(context))
    context.set_trailing_metadata(TRAILERS)
    return request


def status(request, context):
    context.set_trailing_metadata(TRAILERS)
    set_status(context, request)
    return b""


def abort(request, context):
    context.abort(grpc.StatusCode.PERMISSION_DENIED, "go away")


def raise_(request, context):
    raise ValueError("kaput")


def repeat(request, context):
    n = int(dict(context.invocation_metadata())["repeat-count"])
    context.send_initial_metadata(echo_x_keys(context))
    context.set_trailing_metadata((("count", str(n)), ("count-bin", bytes([n & 0xFF, 0, 0xFF]))))
    for i in range(n):
        yield b"%s-%d" % (request, i)


def fail_after(request, context):
    yield b"one"
    yield b"two"
    raise ValueError("boom after two")


def status_stream(request, context):
    yield b"before"
    set_status(context, request)


def join(request_iterator, context):
    parts = list(request_iterator)
    context.set_trailing_metadata((("count", str(len(parts))), ("count-bin", bytes([len(parts) & 0xFF]))))
    return b"+".join(parts)


def bidi_echo(request_iterator, context):
    context.send_initial_metadata(echo_x_keys(context))
    for request in request_iterator:
        yield b"echo:" + request


def count_while_active(context):
    i = 0
    while context.is_active():
        yield b"%d" % i
        i += 1
        time.sleep(0.002)


def endless(request, context):
    ENDINGS.watch(request, context)
    return count_while_active(context)


def endless_bidi(request_iterator, context):
    ENDINGS.watch(next(request_iterator), context)
    return count_while_active(context)


def endless_join(request_iterator, context):
    ENDINGS.watch(next(request_iterator), context)
    for _ in request_iterator:
        pass
    return b"the requests ended"


def report(request, context):
    return ENDINGS.wait(request, 10)


HANDLERS = {
    "Echo": grpc.unary_unary_rpc_method_handler(echo),
    "Status": grpc.unary_unary_rpc_method_handler(status),
    "Abort": grpc.unary_unary_rpc_method_handler(abort),
    "Raise": grpc.unary_unary_rpc_method_handler(raise_),
    "Repeat": grpc.unary_stream_rpc_method_handler(repeat),
    "FailAfter": grpc.unary_stream_rpc_method_handler(fail_after),
    "StatusStream": grpc.unary_stream_rpc_method_handler(status_stream),
    "Join": grpc.stream_unary_rpc_method_handler(join),
    "BidiEcho": grpc.stream_stream_rpc_method_handler(bidi_echo),
    "Endless": grpc.unary_stream_rpc_method_handler(endless),
    "EndlessBidi": grpc.stream_stream_rpc_method_handler(endless_bidi),
    "EndlessJoin": grpc.stream_unary_rpc_method_handler(endless_join),
    "Report": grpc.unary_unary_rpc_method_handler(report),
}


class GenericHandler(grpc.GenericRpcHandler):
    def service(self, handler_call_details):
        method = handler_call_details.method
        if not method.startswith(SERVICE):
            return None
        return HANDLERS.get(method[len(SERVICE):])


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), handlers=(GenericHandler(),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print("PORT %d" % port, flush=True)
    sys.stdin.read()  # until the test closes our stdin, or dies
    server.stop(0).wait()


if __name__ == "__main__":
    main()
