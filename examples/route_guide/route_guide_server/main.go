// Command route_guide_server is the Go counterpart of grpcio's
// examples/python/route_guide/route_guide_server.py: it serves the
// routeguide.RouteGuide service, one method of each RPC shape, over a map
// of features read from a JSON file.
//
// Usage:
//
//	route_guide_server [--port 50051] [--db routeguide/route_guide_db.json]
//
// It prints "Server started, listening on <port>" once it serves (with
// --port 0 the port is the one the system picked) and stops gracefully on
// SIGINT or SIGTERM: new RPCs are refused and those in flight get a few
// seconds to finish. A second signal ends it at once.
package main

import (
	"flag"
	"fmt"
	"iter"
	"log"
	"math"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/grpcio-go/grpcio/examples/route_guide/routeguide"
	"github.com/grpcio-go/grpcio/grpc"
)

// grace is how long RPCs in flight may run on after a stop signal.
const grace = 5 * time.Second

// getFeature mirrors route_guide_server.py's get_feature: the first feature
// of db at point, or nil.
func getFeature(db []*routeguide.Feature, point *routeguide.Point) *routeguide.Feature {
	for _, feature := range db {
		if samePoint(feature.GetLocation(), point) {
			return feature
		}
	}
	return nil
}

// samePoint is protobuf equality of two points, as Python's ==.
func samePoint(a, b *routeguide.Point) bool {
	return a.GetLatitude() == b.GetLatitude() && a.GetLongitude() == b.GetLongitude()
}

// getDistance mirrors route_guide_server.py's get_distance: the great-circle
// distance in metres between two points, by the haversine formula, with
// grpcio's operations in grpcio's order so that both round alike.
func getDistance(start, end *routeguide.Point) float64 {
	const coordFactor = 10000000.0
	lat1 := float64(start.GetLatitude()) / coordFactor
	lat2 := float64(end.GetLatitude()) / coordFactor
	lon1 := float64(start.GetLongitude()) / coordFactor
	lon2 := float64(end.GetLongitude()) / coordFactor
	latRad1 := radians(lat1)
	latRad2 := radians(lat2)
	deltaLatRad := radians(lat2 - lat1)
	deltaLonRad := radians(lon2 - lon1)

	a := math.Pow(math.Sin(deltaLatRad/2), 2) +
		math.Cos(latRad1)*math.Cos(latRad2)*math.Pow(math.Sin(deltaLonRad/2), 2)
	c := 2 * math.Atan2(math.Sqrt(a), math.Sqrt(1-a))
	const r = 6371000 // the Earth's mean radius in metres
	return r * c
}

// degToRad is Python's math.radians factor: the float64 nearest pi
// divided by 180 in float64 arithmetic (math.Pi/180 as a constant
// expression would round only once, and can differ in the last bit).
var degToRad = float64Pi / 180

var float64Pi float64 = math.Pi

func radians(degrees float64) float64 { return degrees * degToRad }

// routeGuideServicer mirrors route_guide_server.py's RouteGuideServicer.
type routeGuideServicer struct {
	routeguide.UnimplementedRouteGuideServicer
	db []*routeguide.Feature
}

// GetFeature mirrors RouteGuideServicer.GetFeature: the feature at the
// point, or a nameless one there.
func (s *routeGuideServicer) GetFeature(req *routeguide.Point, ctx *grpc.ServicerContext) (*routeguide.Feature, error) {
	if feature := getFeature(s.db, req); feature != nil {
		return feature, nil
	}
	return &routeguide.Feature{Name: "", Location: req}, nil
}

// ListFeatures mirrors RouteGuideServicer.ListFeatures: the features inside
// the rectangle, edges included, in the map's order.
func (s *routeGuideServicer) ListFeatures(req *routeguide.Rectangle, ctx *grpc.ServicerContext) iter.Seq2[*routeguide.Feature, error] {
	left := min(req.GetLo().GetLongitude(), req.GetHi().GetLongitude())
	right := max(req.GetLo().GetLongitude(), req.GetHi().GetLongitude())
	top := max(req.GetLo().GetLatitude(), req.GetHi().GetLatitude())
	bottom := min(req.GetLo().GetLatitude(), req.GetHi().GetLatitude())
	return func(yield func(*routeguide.Feature, error) bool) {
		for _, feature := range s.db {
			loc := feature.GetLocation()
			if loc.GetLongitude() >= left && loc.GetLongitude() <= right &&
				loc.GetLatitude() >= bottom && loc.GetLatitude() <= top {
				if !yield(feature, nil) {
					return
				}
			}
		}
	}
}

// RecordRoute mirrors RouteGuideServicer.RecordRoute: it counts the points
// and those on the map, adds up the distance between consecutive points and
// times the whole, in whole metres and seconds.
func (s *routeGuideServicer) RecordRoute(reqs iter.Seq2[*routeguide.Point, error], ctx *grpc.ServicerContext) (*routeguide.RouteSummary, error) {
	var pointCount, featureCount int32
	distance := 0.0
	var prevPoint *routeguide.Point

	startTime := time.Now()
	for point, err := range reqs {
		if err != nil {
			return nil, err
		}
		pointCount++
		if getFeature(s.db, point) != nil {
			featureCount++
		}
		if prevPoint != nil {
			distance += getDistance(prevPoint, point)
		}
		prevPoint = point
	}

	elapsedTime := time.Since(startTime)
	return &routeguide.RouteSummary{
		PointCount:   pointCount,
		FeatureCount: featureCount,
		Distance:     int32(distance),
		ElapsedTime:  int32(elapsedTime.Seconds()),
	}, nil
}

// RouteChat mirrors RouteGuideServicer.RouteChat: for each note it sends
// the notes received before at the same location, then keeps the note. The
// notes are those of this RPC only.
func (s *routeGuideServicer) RouteChat(reqs iter.Seq2[*routeguide.RouteNote, error], ctx *grpc.ServicerContext) iter.Seq2[*routeguide.RouteNote, error] {
	return func(yield func(*routeguide.RouteNote, error) bool) {
		var prevNotes []*routeguide.RouteNote
		for newNote, err := range reqs {
			if err != nil {
				yield(nil, err)
				return
			}
			for _, prevNote := range prevNotes {
				if samePoint(prevNote.GetLocation(), newNote.GetLocation()) {
					if !yield(prevNote, nil) {
						return
					}
				}
			}
			prevNotes = append(prevNotes, newNote)
		}
	}
}

func main() {
	port := flag.Int("port", 50051, "the port to serve on (0: any free port)")
	db := flag.String("db", routeguide.DefaultDatabasePath(), "the JSON map of features")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("route_guide_server: ")
	if err := serve(*port, *db); err != nil {
		log.Fatal(err)
	}
}

// serve mirrors route_guide_server.py's serve, with a graceful stop on
// signals.
func serve(port int, dbPath string) error {
	db, err := routeguide.ReadRouteGuideDatabase(dbPath)
	if err != nil {
		return err
	}
	server, err := grpc.NewServer(grpc.MaxWorkers(10))
	if err != nil {
		return err
	}
	routeguide.AddRouteGuideServicerToServer(&routeGuideServicer{db: db}, server)
	bound, err := server.AddInsecurePort("[::]:" + strconv.Itoa(port))
	if err != nil {
		<-server.Stop(0)
		return err
	}
	if err := server.Start(); err != nil {
		<-server.Stop(0)
		return err
	}
	fmt.Println("Server started, listening on " + strconv.Itoa(bound))

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	sig := <-signals
	signal.Stop(signals)
	log.Printf("received %v, stopping (grace %v)", sig, grace)
	<-server.Stop(grace)
	log.Print("stopped")
	return nil
}
