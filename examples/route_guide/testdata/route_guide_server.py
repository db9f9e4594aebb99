"""A grpcio route_guide server, run by route_guide_test.go so that the Go
route_guide_client can be checked against Python's grpcio.

The test generates route_guide_pb2 and route_guide_pb2_grpc from
routeguide/route_guide.proto with grpc_tools.protoc and puts them on
PYTHONPATH. The servicer has the semantics of grpcio's
examples/python/route_guide/route_guide_server.py; the port (0: any free
one) and the JSON map come from the command line. It prints "Server
started, listening on <port>" once it serves and stops on SIGTERM.
"""

import argparse
from concurrent import futures
import json
import logging
import math
import signal
import sys
import time

import grpc

import route_guide_pb2
import route_guide_pb2_grpc


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


def get_feature(feature_db, point):
    """The first feature at point, or None."""
    for feature in feature_db:
        if feature.location == point:
            return feature
    return None


def get_distance(start, end):
    """The great-circle distance in metres between two points (haversine)."""
    coord_factor = 10000000.0
    lat_1 = start.latitude / coord_factor
    lat_2 = end.latitude / coord_factor
    lon_1 = start.longitude / coord_factor
    lon_2 = end.longitude / coord_factor
    lat_rad_1 = math.radians(lat_1)
    lat_rad_2 = math.radians(lat_2)
    delta_lat_rad = math.radians(lat_2 - lat_1)
    delta_lon_rad = math.radians(lon_2 - lon_1)
    a = pow(math.sin(delta_lat_rad / 2), 2) + (
        math.cos(lat_rad_1) * math.cos(lat_rad_2) * pow(math.sin(delta_lon_rad / 2), 2)
    )
    c = 2 * math.atan2(math.sqrt(a), math.sqrt(1 - a))
    earth_radius = 6371000  # metres
    return earth_radius * c


class RouteGuideServicer(route_guide_pb2_grpc.RouteGuideServicer):
    def __init__(self, db):
        self.db = db

    def GetFeature(self, request, context):
        feature = get_feature(self.db, request)
        if feature is None:
            return route_guide_pb2.Feature(name="", location=request)
        return feature

    def ListFeatures(self, request, context):
        left = min(request.lo.longitude, request.hi.longitude)
        right = max(request.lo.longitude, request.hi.longitude)
        top = max(request.lo.latitude, request.hi.latitude)
        bottom = min(request.lo.latitude, request.hi.latitude)
        for feature in self.db:
            location = feature.location
            if left <= location.longitude <= right and bottom <= location.latitude <= top:
                yield feature

    def RecordRoute(self, request_iterator, context):
        point_count = 0
        feature_count = 0
        distance = 0.0
        prev_point = None
        start_time = time.time()
        for point in request_iterator:
            point_count += 1
            if get_feature(self.db, point) is not None:
                feature_count += 1
            if prev_point is not None:
                distance += get_distance(prev_point, point)
            prev_point = point
        elapsed_time = time.time() - start_time
        return route_guide_pb2.RouteSummary(
            point_count=point_count,
            feature_count=feature_count,
            distance=int(distance),
            elapsed_time=int(elapsed_time),
        )

    def RouteChat(self, request_iterator, context):
        prev_notes = []
        for new_note in request_iterator:
            for prev_note in prev_notes:
                if prev_note.location == new_note.location:
                    yield prev_note
            prev_notes.append(new_note)


def serve(port, db):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=10))
    route_guide_pb2_grpc.add_RouteGuideServicer_to_server(
        RouteGuideServicer(read_route_guide_database(db)), server
    )
    bound = server.add_insecure_port("[::]:%d" % port)
    server.start()
    print("Server started, listening on %d" % bound, flush=True)
    signal.signal(signal.SIGTERM, lambda signum, frame: server.stop(5))
    server.wait_for_termination()
    print("stopped", file=sys.stderr)


if __name__ == "__main__":
    logging.basicConfig()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=50051)
    parser.add_argument("--db", default="route_guide_db.json")
    args = parser.parse_args()
    serve(args.port, args.db)
