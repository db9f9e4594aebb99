// Command route_guide_client is the Go counterpart of grpcio's
// examples/python/route_guide/route_guide_client.py: it calls the four
// methods of routeguide.RouteGuide, one of each RPC shape, and prints what
// it sends and receives.
//
// Usage:
//
//	route_guide_client [--target localhost:50051] [--db routeguide/route_guide_db.json] [--seed N]
//
// The route that RecordRoute records is ten features of the map picked at
// random; --seed N (N > 0) picks them with a generator that
// testdata/route_guide_client.py shares, so that both print the same for
// the same seed. Points print as "latitude: <E7>, longitude: <E7>". Unlike
// grpcio's client, RouteChat prints the replies only after all notes are
// sent, so that the output does not depend on timing.
package main

import (
	"flag"
	"fmt"
	"iter"
	"log"
	"time"

	"github.com/grpcio-go/grpcio/examples/route_guide/routeguide"
	"github.com/grpcio-go/grpcio/grpc"
)

func main() {
	target := flag.String("target", "localhost:50051", "the server to call")
	db := flag.String("db", routeguide.DefaultDatabasePath(), "the JSON map of features to pick a route from")
	seed := flag.Int64("seed", 0, "pick the route reproducibly with this seed (0: at random)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("route_guide_client: ")
	if err := run(*target, *db, *seed); err != nil {
		log.Fatal(err)
	}
}

// formatPoint is how the clients print a point.
func formatPoint(p *routeguide.Point) string {
	return fmt.Sprintf("latitude: %d, longitude: %d", p.GetLatitude(), p.GetLongitude())
}

// makeRouteNote mirrors route_guide_client.py's make_route_note.
func makeRouteNote(message string, latitude, longitude int32) *routeguide.RouteNote {
	return &routeguide.RouteNote{
		Message:  message,
		Location: &routeguide.Point{Latitude: latitude, Longitude: longitude},
	}
}

// guideGetOneFeature mirrors route_guide_client.py's guide_get_one_feature.
func guideGetOneFeature(stub *routeguide.RouteGuideStub, point *routeguide.Point) error {
	feature, err := stub.GetFeature.Call(point)
	if err != nil {
		return err
	}
	if feature.GetLocation() == nil {
		fmt.Println("Server returned incomplete feature")
		return nil
	}
	if feature.GetName() != "" {
		fmt.Printf("Feature called %s at %s\n", feature.GetName(), formatPoint(feature.GetLocation()))
	} else {
		fmt.Printf("Found no feature at %s\n", formatPoint(feature.GetLocation()))
	}
	return nil
}

// guideGetFeature mirrors route_guide_client.py's guide_get_feature: a
// point on the map (Juniper Hollow Boat Launch), then one off it.
func guideGetFeature(stub *routeguide.RouteGuideStub) error {
	if err := guideGetOneFeature(stub, &routeguide.Point{Latitude: 425000000, Longitude: -770000000}); err != nil {
		return err
	}
	return guideGetOneFeature(stub, &routeguide.Point{Latitude: 0, Longitude: 0})
}

// guideListFeatures mirrors route_guide_client.py's guide_list_features.
func guideListFeatures(stub *routeguide.RouteGuideStub) error {
	rectangle := &routeguide.Rectangle{
		Lo: &routeguide.Point{Latitude: 400000000, Longitude: -750000000},
		Hi: &routeguide.Point{Latitude: 420000000, Longitude: -730000000},
	}
	fmt.Println("Looking for features between 40, -75 and 42, -73")

	features, err := stub.ListFeatures.Call(rectangle)
	if err != nil {
		return err
	}
	for feature, err := range features.All() {
		if err != nil {
			return err
		}
		fmt.Printf("Feature called %s at %s\n", feature.GetName(), formatPoint(feature.GetLocation()))
	}
	return nil
}

// routeRandom is the generator that picks the route: the classic C
// library's linear congruential generator (state*1103515245+12345 mod
// 2^31, bits 16 to 30 as the value), simple enough to share with
// testdata/route_guide_client.py.
type routeRandom struct{ state uint64 }

func newRouteRandom(seed int64) *routeRandom {
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	return &routeRandom{state: uint64(seed) % (1 << 31)}
}

// intn returns a number in [0, n).
func (r *routeRandom) intn(n int) int {
	r.state = (r.state*1103515245 + 12345) % (1 << 31)
	return int(r.state>>16) % n
}

// generateRoute mirrors route_guide_client.py's generate_route: ten
// features of the map, each printed as it is sent.
func generateRoute(featureList []*routeguide.Feature, random *routeRandom) iter.Seq[*routeguide.Point] {
	return func(yield func(*routeguide.Point) bool) {
		for range 10 {
			randomFeature := featureList[random.intn(len(featureList))]
			fmt.Printf("Visiting point %s\n", formatPoint(randomFeature.GetLocation()))
			if !yield(randomFeature.GetLocation()) {
				return
			}
		}
	}
}

// guideRecordRoute mirrors route_guide_client.py's guide_record_route.
func guideRecordRoute(stub *routeguide.RouteGuideStub, dbPath string, seed int64) error {
	featureList, err := routeguide.ReadRouteGuideDatabase(dbPath)
	if err != nil {
		return err
	}
	if len(featureList) == 0 {
		return fmt.Errorf("%s: no features to make a route of", dbPath)
	}

	routeIterator := generateRoute(featureList, newRouteRandom(seed))
	routeSummary, err := stub.RecordRoute.Call(routeIterator)
	if err != nil {
		return err
	}
	fmt.Printf("Finished trip with %d points\n", routeSummary.GetPointCount())
	fmt.Printf("Passed %d features\n", routeSummary.GetFeatureCount())
	fmt.Printf("Travelled %d meters\n", routeSummary.GetDistance())
	fmt.Printf("It took %d seconds\n", routeSummary.GetElapsedTime())
	return nil
}

// generateMessages mirrors route_guide_client.py's generate_messages; sent
// is closed when the iterator is done, whether it sent all notes or the
// RPC ended first.
func generateMessages(sent chan<- struct{}) iter.Seq[*routeguide.RouteNote] {
	messages := []*routeguide.RouteNote{
		makeRouteNote("First message", 0, 0),
		makeRouteNote("Second message", 0, 1),
		makeRouteNote("Third message", 1, 0),
		makeRouteNote("Fourth message", 0, 0),
		makeRouteNote("Fifth message", 1, 0),
	}
	return func(yield func(*routeguide.RouteNote) bool) {
		defer close(sent)
		for _, msg := range messages {
			fmt.Printf("Sending %s at %s\n", msg.GetMessage(), formatPoint(msg.GetLocation()))
			if !yield(msg) {
				return
			}
		}
	}
}

// guideRouteChat mirrors route_guide_client.py's guide_route_chat, except
// that it reads the replies once all notes are sent (the RPC still streams
// both ways: the server answers each note as it comes).
func guideRouteChat(stub *routeguide.RouteGuideStub) error {
	sent := make(chan struct{})
	responses, err := stub.RouteChat.Call(generateMessages(sent))
	if err != nil {
		return err
	}
	<-sent
	for response, err := range responses.All() {
		if err != nil {
			return err
		}
		fmt.Printf("Received message %s at %s\n", response.GetMessage(), formatPoint(response.GetLocation()))
	}
	return nil
}

// run mirrors route_guide_client.py's run: open a channel, make the four
// calls through the stub, close the channel.
func run(target, dbPath string, seed int64) error {
	channel, err := grpc.InsecureChannel(target)
	if err != nil {
		return err
	}
	defer channel.Close()
	stub := routeguide.NewRouteGuideStub(channel)
	fmt.Println("-------------- GetFeature --------------")
	if err := guideGetFeature(stub); err != nil {
		return err
	}
	fmt.Println("-------------- ListFeatures --------------")
	if err := guideListFeatures(stub); err != nil {
		return err
	}
	fmt.Println("-------------- RecordRoute --------------")
	if err := guideRecordRoute(stub, dbPath, seed); err != nil {
		return err
	}
	fmt.Println("-------------- RouteChat --------------")
	return guideRouteChat(stub)
}
