"""A grpcio helloworld client, run by helloworld_test.go against the Go
greeter_server to show that Python's grpcio and grpcio-go interoperate.

The test generates helloworld_pb2 and helloworld_pb2_grpc from
helloworld/helloworld.proto with grpc_tools.protoc and puts them on
PYTHONPATH. This script follows grpcio's examples/python/helloworld/
greeter_client.py, with the target and the name taken from the command line.
"""

import argparse
import logging

import grpc

import helloworld_pb2
import helloworld_pb2_grpc


def run(target, name):
    with grpc.insecure_channel(target) as channel:
        stub = helloworld_pb2_grpc.GreeterStub(channel)
        response = stub.SayHello(helloworld_pb2.HelloRequest(name=name), timeout=30)
    print("Greeter client received: " + response.message)


if __name__ == "__main__":
    logging.basicConfig()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", default="localhost:50051")
    parser.add_argument("--name", default="world")
    args = parser.parse_args()
    run(args.target, args.name)
