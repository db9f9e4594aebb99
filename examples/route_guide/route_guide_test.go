package routeguide_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/grpcio-go/grpcio/examples/route_guide/routeguide"
	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// dbPath is the example's map, relative to this directory.
var dbPath = filepath.Join("routeguide", routeguide.DatabaseFile)

// golden is what both route_guide clients print for --seed 7 against
// either server: testdata/route_guide_client.py's output against
// testdata/route_guide_server.py, that is, grpcio's behaviour.
const (
	goldenSeed = "7"
	goldenFile = "testdata/route_guide_client_seed7.golden"
)

// TestDatabase checks the checked-in map: it is what
// gen_route_guide_db.go writes, and it reads as 100 features at distinct
// places, 11 of them nameless.
func TestDatabase(t *testing.T) {
	generated := filepath.Join(t.TempDir(), routeguide.DatabaseFile)
	cmd := exec.Command("go", "run", "gen_route_guide_db.go", "-o", generated)
	cmd.Dir = "routeguide"
	grpctest.Run(t, cmd)
	want, err := os.ReadFile(generated)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what gen_route_guide_db.go writes: run go generate ./examples/route_guide/routeguide", dbPath)
	}

	features := readDB(t)
	if len(features) != 100 {
		t.Fatalf("%d features, want 100", len(features))
	}
	places := map[[2]int32]bool{}
	nameless := 0
	for _, f := range features {
		places[[2]int32{f.GetLocation().GetLatitude(), f.GetLocation().GetLongitude()}] = true
		if f.GetName() == "" {
			nameless++
		}
	}
	if len(places) != 100 || nameless != 11 {
		t.Errorf("%d distinct places and %d nameless features, want 100 and 11", len(places), nameless)
	}
	first := &routeguide.Feature{Name: "Amber Hollow Trailhead", Location: point(380000000, -770000000)}
	if !proto.Equal(features[0], first) {
		t.Errorf("first feature %v, want %v", features[0], first)
	}

	for _, bad := range []string{
		`{"location": {"latitude": 1, "longitude": 2}, "name": "not a list"}`,
		`[{"location": {"latitude": 1}, "name": "no longitude"}]`,
		`[{"location": {"latitude": 1, "longitude": 2}}]`,
		`[{"location": {"latitude": 1e10, "longitude": 2}, "name": "too far north"}]`,
	} {
		path := filepath.Join(t.TempDir(), "bad.json")
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if features, err := routeguide.ReadRouteGuideDatabase(path); err == nil {
			t.Errorf("ReadRouteGuideDatabase(%s) = %v, want an error", bad, features)
		}
	}
}

// TestGetFeature runs the unary method in-process: a named feature, a
// nameless one and a point off the map, which both come back nameless at
// the point asked about.
func TestGetFeature(t *testing.T) {
	leakcheck.Check(t)
	stub := routeguide.NewRouteGuideStub(serve(t, newRouteGuide(t)))
	for _, tc := range []struct {
		point *routeguide.Point
		want  string
	}{
		{point(425000000, -770000000), "Juniper Hollow Boat Launch"},
		{point(380000000, -770000000), "Amber Hollow Trailhead"},
		{point(420000000, -745000000), ""}, // on the map, nameless
		{point(0, 0), ""},
		{point(380000000, -770000001), ""},
	} {
		feature, call, err := stub.GetFeature.WithCall(tc.point)
		if err != nil {
			t.Fatal(err)
		}
		want := &routeguide.Feature{Name: tc.want, Location: tc.point}
		if !proto.Equal(feature, want) {
			t.Errorf("GetFeature(%v) = %v, want %v", tc.point, feature, want)
		}
		if call.Code() != grpc.OK || call.Details() != "" {
			t.Errorf("GetFeature(%v): status %v %q", tc.point, call.Code(), call.Details())
		}
	}
}

// TestListFeatures runs the server-streaming method in-process.
func TestListFeatures(t *testing.T) {
	leakcheck.Check(t)
	stub := routeguide.NewRouteGuideStub(serve(t, newRouteGuide(t)))

	// The clients' rectangle: 5 by 5 features, the edges included, in the
	// map's order (north-west corner first or not).
	var want []string
	for _, row := range []string{"Eastgate", "Fallow", "Granite", "Heron", "Ironwood"} {
		for _, column := range []string{"Landing", "Bluff", "Spring", "Orchard", "Quarry"} {
			want = append(want, row+" "+column)
		}
	}
	nameless := map[string]bool{"Fallow Quarry": true, "Granite Orchard": true, "Heron Spring": true, "Ironwood Bluff": true}
	lo, hi := point(400000000, -750000000), point(420000000, -730000000)
	for _, rect := range []*routeguide.Rectangle{
		{Lo: lo, Hi: hi},
		{Lo: hi, Hi: lo},
		{Lo: point(400000000, -730000000), Hi: point(420000000, -750000000)},
	} {
		features := listFeatures(t, stub, rect)
		if len(features) != len(want) {
			t.Fatalf("ListFeatures(%v): %d features, want %d", rect, len(features), len(want))
		}
		for i, f := range features {
			// The kind of feature is the last words of the name.
			if got := f.GetName(); nameless[want[i]] && got != "" || !nameless[want[i]] && !strings.HasPrefix(got, want[i]+" ") {
				t.Errorf("ListFeatures(%v)[%d] is %q, want %s", rect, i, got, want[i])
			}
			wantAt := point(int32(400000000+i/5*5000000), int32(-750000000+i%5*5000000))
			if !proto.Equal(f.GetLocation(), wantAt) {
				t.Errorf("ListFeatures(%v)[%d] at %v, want %v", rect, i, f.GetLocation(), wantAt)
			}
		}
	}
	if got := listFeatures(t, stub, &routeguide.Rectangle{Lo: hi, Hi: hi}); len(got) != 1 || got[0].GetName() != "Ironwood Quarry Old Mill" {
		t.Errorf("ListFeatures of one point: %v, want Ironwood Quarry Old Mill", got)
	}
	if got := listFeatures(t, stub, &routeguide.Rectangle{Lo: point(0, 0), Hi: point(10000000, 10000000)}); len(got) != 0 {
		t.Errorf("ListFeatures off the map: %v, want none", got)
	}
	// No rectangle at all is the point 0, 0: nothing.
	if got := listFeatures(t, stub, &routeguide.Rectangle{}); len(got) != 0 {
		t.Errorf("ListFeatures of an empty rectangle: %v, want none", got)
	}

	// The whole map, read with Next to the end and past it.
	it, err := stub.ListFeatures.Call(&routeguide.Rectangle{Lo: point(-900000000, -1800000000), Hi: point(900000000, 1800000000)})
	if err != nil {
		t.Fatal(err)
	}
	db := readDB(t)
	for i := range db {
		f, err := it.Next()
		if err != nil {
			t.Fatalf("feature %d: %v", i, err)
		}
		if !proto.Equal(f, db[i]) {
			t.Errorf("feature %d is %v, want %v", i, f, db[i])
		}
	}
	for range 2 {
		if f, err := it.Next(); err != io.EOF || f != nil {
			t.Fatalf("after the last feature: %v, %v, want nil, io.EOF", f, err)
		}
	}
	if it.Code() != grpc.OK {
		t.Errorf("status %v", it.Code())
	}
}

// TestRecordRoute runs the client-streaming method in-process.
func TestRecordRoute(t *testing.T) {
	leakcheck.Check(t)
	stub := routeguide.NewRouteGuideStub(serve(t, newRouteGuide(t)))

	// Four points of the map and one between two of them; the distance is
	// what grpcio's get_distance adds up (43811.35 + 27798.73 + 27798.73 +
	// 558613.77 metres).
	route := []*routeguide.Point{
		point(380000000, -770000000),
		point(380000000, -765000000),
		point(382500000, -765000000),
		point(385000000, -765000000),
		point(425000000, -725000000),
	}
	summary, call, err := stub.RecordRoute.WithCall(points(route...))
	if err != nil {
		t.Fatal(err)
	}
	want := &routeguide.RouteSummary{PointCount: 5, FeatureCount: 4, Distance: 658022, ElapsedTime: 0}
	if !proto.Equal(summary, want) {
		t.Errorf("RecordRoute = %v, want %v", summary, want)
	}
	if call.Code() != grpc.OK {
		t.Errorf("status %v %q", call.Code(), call.Details())
	}

	// The elapsed time is that of the whole stream, in whole seconds.
	slow := func(yield func(*routeguide.Point) bool) {
		if yield(route[0]) {
			time.Sleep(1500 * time.Millisecond)
			yield(route[0])
		}
	}
	summary, err = stub.RecordRoute.Call(slow)
	if err != nil {
		t.Fatal(err)
	}
	if want := (&routeguide.RouteSummary{PointCount: 2, FeatureCount: 2, Distance: 0, ElapsedTime: 1}); !proto.Equal(summary, want) {
		t.Errorf("RecordRoute of a slow trip = %v, want %v", summary, want)
	}

	// No points, and nil for no points: an empty summary.
	for _, reqs := range []iter.Seq[*routeguide.Point]{points(), nil} {
		summary, err = stub.RecordRoute.Call(reqs)
		if err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(summary, &routeguide.RouteSummary{}) {
			t.Errorf("RecordRoute of no points = %v, want an empty summary", summary)
		}
	}
}

// TestRouteChat runs the bidirectional method in-process.
func TestRouteChat(t *testing.T) {
	leakcheck.Check(t)
	stub := routeguide.NewRouteGuideStub(serve(t, newRouteGuide(t)))

	// The clients' notes: the fourth gets the first back, the fifth the
	// third.
	notes := []*routeguide.RouteNote{
		note("First message", 0, 0),
		note("Second message", 0, 1),
		note("Third message", 1, 0),
		note("Fourth message", 0, 0),
		note("Fifth message", 1, 0),
	}
	it, err := stub.RouteChat.Call(slices.Values(notes))
	if err != nil {
		t.Fatal(err)
	}
	var got []*routeguide.RouteNote
	for n, err := range it.All() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	if len(got) != 2 || !proto.Equal(got[0], notes[0]) || !proto.Equal(got[1], notes[2]) {
		t.Errorf("RouteChat replies %v, want %v and %v", got, notes[0], notes[2])
	}

	// Ping-pong: each reply comes back before the next note goes, so the
	// server answers each note as it arrives. The n-th note at a point gets
	// the n-1 before it, in order; notes of earlier RPCs do not count.
	next := make(chan *routeguide.RouteNote)
	it, err = stub.RouteChat.Call(func(yield func(*routeguide.RouteNote) bool) {
		for n := range next {
			if !yield(n) {
				return
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var sent []*routeguide.RouteNote
	for i := range 4 {
		n := note("note "+strconv.Itoa(i), 0, 0)
		next <- n
		for j := range i {
			reply, err := it.Next()
			if err != nil {
				t.Fatalf("note %d, reply %d: %v", i, j, err)
			}
			if !proto.Equal(reply, sent[j]) {
				t.Errorf("note %d, reply %d is %v, want %v", i, j, reply, sent[j])
			}
		}
		sent = append(sent, n)
	}
	close(next)
	if reply, err := it.Next(); err != io.EOF {
		t.Errorf("after the last note: %v, %v, want io.EOF", reply, err)
	}

	// A client that gives up mid-chat, before it half-closes.
	cancelled := make(chan struct{})
	it, err = stub.RouteChat.Call(func(yield func(*routeguide.RouteNote) bool) {
		_ = yield(note("a", 5, 5)) && yield(note("b", 5, 5))
		<-cancelled
	})
	if err != nil {
		t.Fatal(err)
	}
	if reply, err := it.Next(); err != nil || reply.GetMessage() != "a" {
		t.Fatalf("first reply %v, %v, want note a", reply, err)
	}
	if !it.Cancel() {
		t.Error("Cancel reported that the RPC had ended")
	}
	close(cancelled)
	_, err = it.Next()
	grpctest.AssertStatus(t, err, grpc.Cancelled, "Locally cancelled by application!")
}

// TestUnimplementedRouteGuideServicer checks grpcio's generated-servicer
// status on all four shapes: UNIMPLEMENTED "Method not implemented!", no
// response.
func TestUnimplementedRouteGuideServicer(t *testing.T) {
	leakcheck.Check(t)
	stub := routeguide.NewRouteGuideStub(serve(t, routeguide.UnimplementedRouteGuideServicer{}))
	const details = "Method not implemented!"

	feature, err := stub.GetFeature.Call(point(0, 0))
	grpctest.AssertStatus(t, err, grpc.Unimplemented, details)
	if feature != nil {
		t.Errorf("GetFeature: %v with the error", feature)
	}

	features, err := stub.ListFeatures.Call(&routeguide.Rectangle{})
	if err != nil {
		t.Fatal(err)
	}
	feature, err = features.Next()
	grpctest.AssertStatus(t, err, grpc.Unimplemented, details)
	if feature != nil {
		t.Errorf("ListFeatures: %v with the error", feature)
	}

	summary, err := stub.RecordRoute.Call(points(point(1, 1), point(2, 2)))
	grpctest.AssertStatus(t, err, grpc.Unimplemented, details)
	if summary != nil {
		t.Errorf("RecordRoute: %v with the error", summary)
	}

	notes, err := stub.RouteChat.Call(slices.Values([]*routeguide.RouteNote{note("hello", 1, 1)}))
	if err != nil {
		t.Fatal(err)
	}
	reply, err := notes.Next()
	grpctest.AssertStatus(t, err, grpc.Unimplemented, details)
	if reply != nil {
		t.Errorf("RouteChat: %v with the error", reply)
	}

	// A servicer that implements some methods and embeds the rest.
	stub = routeguide.NewRouteGuideStub(serve(t, onlyGetFeature{}))
	if feature, err := stub.GetFeature.Call(point(3, 4)); err != nil || feature.GetName() != "somewhere" {
		t.Errorf("GetFeature of a partial servicer: %v, %v", feature, err)
	}
	_, err = stub.RecordRoute.Call(points(point(1, 1)))
	grpctest.AssertStatus(t, err, grpc.Unimplemented, details)
}

type onlyGetFeature struct {
	routeguide.UnimplementedRouteGuideServicer
}

func (onlyGetFeature) GetFeature(req *routeguide.Point, ctx *grpc.ServicerContext) (*routeguide.Feature, error) {
	return &routeguide.Feature{Name: "somewhere", Location: req}, nil
}

// TestWireFormat checks the bytes on the wire against grpc's
// route_guide.proto by hand: Point's fields 1 and 2 are int32 varints,
// Feature's field 1 the name and field 2 the Point.
func TestWireFormat(t *testing.T) {
	leakcheck.Check(t)
	ch := serve(t, newRouteGuide(t))
	// latitude 425000000, longitude -770000000 (a negative int32 takes ten
	// bytes, as an int64).
	req := []byte("\x08\xc0\xf8\xd3\xca\x01\x10\x80\xf7\xea\x90\xfd\xff\xff\xff\xff\x01")
	resp, err := ch.UnaryUnary("/routeguide.RouteGuide/GetFeature").Call(req)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte("\x0a\x1aJuniper Hollow Boat Launch\x12\x11"), req...)
	if !bytes.Equal(resp.([]byte), want) {
		t.Errorf("raw reply %q, want %q", resp, want)
	}
	if b, err := proto.Marshal(point(425000000, -770000000)); err != nil || !bytes.Equal(b, req) {
		t.Errorf("the point marshals to %q, %v", b, err)
	}
}

// TestPrograms builds route_guide_server and route_guide_client and checks
// them against each other and against Python grpcio's client and server
// (testdata/*.py, with stubs generated from routeguide/route_guide.proto):
// every pairing prints the same for the same seed.
func TestPrograms(t *testing.T) {
	bin := grpctest.BuildPrograms(t, "./route_guide_server", "./route_guide_client")
	golden, err := os.ReadFile(goldenFile)
	if err != nil {
		t.Fatal(err)
	}
	want := string(golden)
	server := exec.Command(filepath.Join(bin, "route_guide_server"), "--port", "0")
	goServer := "localhost:" + strconv.Itoa(grpctest.StartServerProgram(t, "route_guide_server", server))
	goClient := func(target string, args ...string) *exec.Cmd {
		return exec.Command(filepath.Join(bin, "route_guide_client"), append([]string{"--target", target}, args...)...)
	}

	t.Run("GoClientGoServer", func(t *testing.T) {
		assertTranscript(t, grpctest.Run(t, goClient(goServer, "--seed", goldenSeed)), want)
	})

	t.Run("GoClientRandomRoute", func(t *testing.T) {
		// Without --seed the route is random: the rest is as for any seed.
		route := regexp.MustCompile(`(?m)^(Visiting point|Travelled) .*\n`)
		got := route.ReplaceAllString(grpctest.Run(t, goClient(goServer)), "")
		assertTranscript(t, got, route.ReplaceAllString(want, ""))
	})

	t.Run("PythonClientGoServer", func(t *testing.T) {
		stubs := grpctest.PythonStubs(t, "routeguide/route_guide.proto")
		assertTranscript(t, grpctest.Run(t, pythonClient(stubs, goServer)), want)
	})

	t.Run("GoClientPythonServer", func(t *testing.T) {
		stubs := grpctest.PythonStubs(t, "routeguide/route_guide.proto")
		pyServer := "localhost:" + strconv.Itoa(grpctest.StartServerProgram(t, "route_guide_server.py", pythonServer(stubs)))
		assertTranscript(t, grpctest.Run(t, goClient(pyServer, "--seed", goldenSeed)), want)
		// The golden transcript is grpcio's own behaviour.
		assertTranscript(t, grpctest.Run(t, pythonClient(stubs, pyServer)), want)
	})

	t.Run("ClientUnavailable", func(t *testing.T) {
		// route_guide_client fails, saying why, when nothing serves the
		// target.
		client := exec.Command(filepath.Join(bin, "route_guide_client"), "--target", grpctest.ClosedPort(t))
		out, stderr := grpctest.RunFailing(t, client, 1)
		if want := "-------------- GetFeature --------------\n"; out != want {
			t.Errorf("route_guide_client printed %q on failure, want %q", out, want)
		}
		if !strings.Contains(stderr, "StatusCode.UNAVAILABLE") {
			t.Errorf("route_guide_client's error does not name UNAVAILABLE:\n%s", stderr)
		}
	})

	t.Run("ServerBadDatabase", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		missing := filepath.Join(t.TempDir(), "missing.json")
		out, err := exec.CommandContext(ctx, filepath.Join(bin, "route_guide_server"), "--port", "0", "--db", missing).CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), missing) {
			t.Errorf("route_guide_server with a missing map: %v, %q; want exit status 1 naming the file", err, out)
		}
	})
}

// elapsed is the one line of the transcript that depends on time: it says
// 0 seconds unless the machine stalls for a second.
var elapsed = regexp.MustCompile(`(?m)^It took (\d+) seconds$`)

// assertTranscript compares a client's output with the golden one, line by
// line; the elapsed seconds may be any small number.
func assertTranscript(t *testing.T, got, want string) {
	t.Helper()
	if m := elapsed.FindStringSubmatch(got); m != nil {
		if n, _ := strconv.Atoi(m[1]); n > 5 {
			t.Errorf("the trip took %d seconds to record", n)
		}
		got = elapsed.ReplaceAllString(got, "It took 0 seconds")
	}
	if got == want {
		return
	}
	gotLines, wantLines := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(gotLines), len(wantLines)) {
		var g, w string
		if i < len(gotLines) {
			g = gotLines[i]
		}
		if i < len(wantLines) {
			w = wantLines[i]
		}
		if g != w {
			t.Fatalf("line %d is %q, want %q; the whole output:\n%s", i+1, g, w, got)
		}
	}
}

// routeGuide is an in-process servicer with the semantics of
// route_guide_server (whose own servicer, in package main, TestPrograms
// checks through the programs).
type routeGuide struct {
	routeguide.UnimplementedRouteGuideServicer
	db []*routeguide.Feature
}

func newRouteGuide(t *testing.T) *routeGuide { return &routeGuide{db: readDB(t)} }

func (s *routeGuide) find(p *routeguide.Point) *routeguide.Feature {
	for _, f := range s.db {
		if proto.Equal(f.GetLocation(), p) {
			return f
		}
	}
	return nil
}

func (s *routeGuide) GetFeature(req *routeguide.Point, ctx *grpc.ServicerContext) (*routeguide.Feature, error) {
	if f := s.find(req); f != nil {
		return f, nil
	}
	return &routeguide.Feature{Location: req}, nil
}

func (s *routeGuide) ListFeatures(req *routeguide.Rectangle, ctx *grpc.ServicerContext) iter.Seq2[*routeguide.Feature, error] {
	lo, hi := req.GetLo(), req.GetHi()
	return func(yield func(*routeguide.Feature, error) bool) {
		for _, f := range s.db {
			lat, lon := f.GetLocation().GetLatitude(), f.GetLocation().GetLongitude()
			if lon >= min(lo.GetLongitude(), hi.GetLongitude()) && lon <= max(lo.GetLongitude(), hi.GetLongitude()) &&
				lat >= min(lo.GetLatitude(), hi.GetLatitude()) && lat <= max(lo.GetLatitude(), hi.GetLatitude()) {
				if !yield(f, nil) {
					return
				}
			}
		}
	}
}

func (s *routeGuide) RecordRoute(reqs iter.Seq2[*routeguide.Point, error], ctx *grpc.ServicerContext) (*routeguide.RouteSummary, error) {
	summary := &routeguide.RouteSummary{}
	distance := 0.0
	var prev *routeguide.Point
	start := time.Now()
	for p, err := range reqs {
		if err != nil {
			return nil, err
		}
		summary.PointCount++
		if s.find(p) != nil {
			summary.FeatureCount++
		}
		if prev != nil {
			distance += haversine(prev, p)
		}
		prev = p
	}
	summary.Distance = int32(distance)
	summary.ElapsedTime = int32(time.Since(start).Seconds())
	return summary, nil
}

// haversine is grpcio's get_distance.
func haversine(start, end *routeguide.Point) float64 {
	const e7 = 10000000.0
	deg := math.Pi / 180
	lat1, lat2 := float64(start.GetLatitude())/e7, float64(end.GetLatitude())/e7
	lon1, lon2 := float64(start.GetLongitude())/e7, float64(end.GetLongitude())/e7
	sinLat, sinLon := math.Sin((lat2-lat1)*deg/2), math.Sin((lon2-lon1)*deg/2)
	a := sinLat*sinLat + math.Cos(lat1*deg)*math.Cos(lat2*deg)*sinLon*sinLon
	return 6371000 * 2 * math.Atan2(math.Sqrt(a), math.Sqrt(1-a))
}

func (s *routeGuide) RouteChat(reqs iter.Seq2[*routeguide.RouteNote, error], ctx *grpc.ServicerContext) iter.Seq2[*routeguide.RouteNote, error] {
	return func(yield func(*routeguide.RouteNote, error) bool) {
		var prev []*routeguide.RouteNote
		for n, err := range reqs {
			if err != nil {
				yield(nil, err)
				return
			}
			for _, p := range prev {
				if proto.Equal(p.GetLocation(), n.GetLocation()) && !yield(p, nil) {
					return
				}
			}
			prev = append(prev, n)
		}
	}
}

func readDB(t *testing.T) []*routeguide.Feature {
	t.Helper()
	features, err := routeguide.ReadRouteGuideDatabase(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	return features
}

func point(latitude, longitude int32) *routeguide.Point {
	return &routeguide.Point{Latitude: latitude, Longitude: longitude}
}

func note(message string, latitude, longitude int32) *routeguide.RouteNote {
	return &routeguide.RouteNote{Message: message, Location: point(latitude, longitude)}
}

func points(ps ...*routeguide.Point) iter.Seq[*routeguide.Point] { return slices.Values(ps) }

func listFeatures(t *testing.T, stub *routeguide.RouteGuideStub, rect *routeguide.Rectangle) []*routeguide.Feature {
	t.Helper()
	it, err := stub.ListFeatures.Call(rect)
	if err != nil {
		t.Fatal(err)
	}
	var features []*routeguide.Feature
	for f, err := range it.All() {
		if err != nil {
			t.Fatalf("ListFeatures(%v): %v", rect, err)
		}
		features = append(features, f)
	}
	return features
}

// serve serves servicer on 127.0.0.1:0 and returns a channel to it; both
// are closed at the end of the test.
func serve(t *testing.T, servicer routeguide.RouteGuideServicer) *grpc.Channel {
	t.Helper()
	return grpctest.ServeAndDial(t, func(s *grpc.Server) {
		routeguide.AddRouteGuideServicerToServer(servicer, s)
	}, grpc.MaxWorkers(4))
}

func pythonClient(stubs, target string) *exec.Cmd {
	cmd := exec.Command(grpctest.Python3, "testdata/route_guide_client.py", "--target", target, "--db", dbPath, "--seed", goldenSeed)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+stubs)
	return cmd
}

func pythonServer(stubs string) *exec.Cmd {
	cmd := exec.Command(grpctest.Python3, "testdata/route_guide_server.py", "--port", "0", "--db", dbPath)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+stubs)
	return cmd
}
