"""A Python grpcio client of the Greeter that greeter_server loads at run time.

Usage: greeter_client.py TARGET NAME

grpcio's examples/python/no_codegen/greeter_client.py loads helloworld.proto
with grpc.protos_and_services, which needs grpcio-tools 1.32 or later; Debian
ships grpc_tools 1.14, so the test generates helloworld_pb2 and
helloworld_pb2_grpc from the same helloworld.proto with grpc_tools.protoc and
puts them on PYTHONPATH. It calls Greeter.SayHello and prints
"Greeter client received: <message>".
"""

import sys

import grpc
import helloworld_pb2 as protos
import helloworld_pb2_grpc as services


def run(target, name):
    with grpc.insecure_channel(target) as channel:
        stub = services.GreeterStub(channel)
        response = stub.SayHello(protos.HelloRequest(name=name), timeout=10)
    print("Greeter client received: " + response.message)


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2])
