"""A grpcio route_guide client, run by route_guide_test.go against the Go
route_guide_server to show that Python's grpcio and grpcio-go interoperate
on all four RPC shapes.

The test generates route_guide_pb2 and route_guide_pb2_grpc from
routeguide/route_guide.proto with grpc_tools.protoc and puts them on
PYTHONPATH. The script makes the calls of grpcio's
examples/python/route_guide/route_guide_client.py and prints exactly what
the Go route_guide_client prints: points as "latitude: <E7>, longitude:
<E7>", the route picked by the generator the Go client shares, RouteChat's
replies after all notes are sent.
"""

import argparse
import json
import logging
import threading
import time

import grpc

import route_guide_pb2
import route_guide_pb2_grpc

# Every call gives up after this many seconds, so that a broken server
# fails the test instead of hanging it.
TIMEOUT = 30


def format_point(point):
    return "latitude: %d, longitude: %d" % (point.latitude, point.longitude)


def read_route_guide_database(path):
    """The features of the JSON map at path, in order."""
    with open(path) as db_file:
        return [
            route_guide_pb2.Feature(
                name=item["name"],
                location=route_guide_pb2.Point(
                    latitude=item["location"]["latitude"],
                    longitude=item["location"]["longitude"],
                ),
            )
            for item in json.load(db_file)
        ]


class RouteRandom:
    """The C library's classic linear congruential generator, as the Go
    route_guide_client's routeRandom: state*1103515245+12345 mod 2^31, bits
    16 to 30 as the value."""

    def __init__(self, seed):
        if seed == 0:
            seed = time.time_ns()
        self.state = seed % (1 << 31)

    def intn(self, n):
        self.state = (self.state * 1103515245 + 12345) % (1 << 31)
        return (self.state >> 16) % n


def make_route_note(message, latitude, longitude):
    return route_guide_pb2.RouteNote(
        message=message,
        location=route_guide_pb2.Point(latitude=latitude, longitude=longitude),
    )


def guide_get_one_feature(stub, point):
    feature = stub.GetFeature(point, timeout=TIMEOUT)
    if not feature.HasField("location"):
        print("Server returned incomplete feature")
        return
    if feature.name:
        print("Feature called %s at %s" % (feature.name, format_point(feature.location)))
    else:
        print("Found no feature at %s" % format_point(feature.location))


def guide_get_feature(stub):
    guide_get_one_feature(stub, route_guide_pb2.Point(latitude=425000000, longitude=-770000000))
    guide_get_one_feature(stub, route_guide_pb2.Point(latitude=0, longitude=0))


def guide_list_features(stub):
    rectangle = route_guide_pb2.Rectangle(
        lo=route_guide_pb2.Point(latitude=400000000, longitude=-750000000),
        hi=route_guide_pb2.Point(latitude=420000000, longitude=-730000000),
    )
    print("Looking for features between 40, -75 and 42, -73")
    for feature in stub.ListFeatures(rectangle, timeout=TIMEOUT):
        print("Feature called %s at %s" % (feature.name, format_point(feature.location)))


def generate_route(feature_list, random):
    for _ in range(10):
        random_feature = feature_list[random.intn(len(feature_list))]
        print("Visiting point %s" % format_point(random_feature.location))
        yield random_feature.location


def guide_record_route(stub, db, seed):
    feature_list = read_route_guide_database(db)
    route_summary = stub.RecordRoute(generate_route(feature_list, RouteRandom(seed)), timeout=TIMEOUT)
    print("Finished trip with %d points" % route_summary.point_count)
    print("Passed %d features" % route_summary.feature_count)
    print("Travelled %d meters" % route_summary.distance)
    print("It took %d seconds" % route_summary.elapsed_time)


def generate_messages(sent):
    messages = [
        make_route_note("First message", 0, 0),
        make_route_note("Second message", 0, 1),
        make_route_note("Third message", 1, 0),
        make_route_note("Fourth message", 0, 0),
        make_route_note("Fifth message", 1, 0),
    ]
    try:
        for msg in messages:
            print("Sending %s at %s" % (msg.message, format_point(msg.location)))
            yield msg
    finally:
        sent.set()


def guide_route_chat(stub):
    sent = threading.Event()
    responses = stub.RouteChat(generate_messages(sent), timeout=TIMEOUT)
    # grpcio consumes the requests on its own thread; wait until all are
    # sent (or the RPC is over) so that the output does not depend on timing.
    while not sent.wait(0.05) and responses.is_active():
        pass
    for response in responses:
        print("Received message %s at %s" % (response.message, format_point(response.location)))


def run(target, db, seed):
    with grpc.insecure_channel(target) as channel:
        stub = route_guide_pb2_grpc.RouteGuideStub(channel)
        print("-------------- GetFeature --------------")
        guide_get_feature(stub)
        print("-------------- ListFeatures --------------")
        guide_list_features(stub)
        print("-------------- RecordRoute --------------")
        guide_record_route(stub, db, seed)
        print("-------------- RouteChat --------------")
        guide_route_chat(stub)


if __name__ == "__main__":
    logging.basicConfig()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", default="localhost:50051")
    parser.add_argument("--db", default="route_guide_db.json")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    run(args.target, args.db, args.seed)
