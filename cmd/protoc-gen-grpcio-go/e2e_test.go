package main

import (
	"io"
	"iter"
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/grpcio-go/grpcio/cmd/protoc-gen-grpcio-go/testdata/deprecated"
	"github.com/grpcio-go/grpcio/cmd/protoc-gen-grpcio-go/testdata/grpc"
	"github.com/grpcio-go/grpcio/cmd/protoc-gen-grpcio-go/testdata/messages"
	"github.com/grpcio-go/grpcio/cmd/protoc-gen-grpcio-go/testdata/names"
	"github.com/grpcio-go/grpcio/cmd/protoc-gen-grpcio-go/testdata/shapes"
	grpcio "github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// These tests run the generated code of testdata's .proto files (the golden
// files, which TestGolden keeps equal to the plugin's output) against an
// in-process server: the stubs and AddXServicerToServer of all four shapes,
// several services, messages of other Go packages, and the
// UnimplementedXServicer of every shape.

const notImplemented = "Method not implemented!"

// shapesServicer implements grpcio_go.testing.shapes.Shapes except OldEcho.
type shapesServicer struct {
	shapes.UnimplementedShapesServicer
}

func (shapesServicer) Echo(req *shapes.Request, ctx *grpcio.ServicerContext) (*shapes.Reply, error) {
	if req.GetText() == "abort" {
		return nil, ctx.Abort(grpcio.InvalidArgument, "no echo for abort")
	}
	return &shapes.Reply{Text: "echo: " + req.GetText()}, nil
}

func (shapesServicer) Count(req *shapes.Request, ctx *grpcio.ServicerContext) iter.Seq2[*messages.Payload, error] {
	return func(yield func(*messages.Payload, error) bool) {
		for i := range req.GetCount() {
			if !yield(&messages.Payload{Body: req.GetText(), Index: i}, nil) {
				return
			}
		}
	}
}

func (shapesServicer) Sum(reqs iter.Seq2[*messages.Payload, error], ctx *grpcio.ServicerContext) (*shapes.Reply, error) {
	var bodies []string
	var total int32
	for p, err := range reqs {
		if err != nil {
			return nil, err
		}
		bodies = append(bodies, p.GetBody())
		total += p.GetIndex()
	}
	return &shapes.Reply{Text: strings.Join(bodies, ","), Total: total}, nil
}

func (shapesServicer) Chat(reqs iter.Seq2[*messages.Payload, error], ctx *grpcio.ServicerContext) iter.Seq2[*messages.Payload, error] {
	return func(yield func(*messages.Payload, error) bool) {
		for p, err := range reqs {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(&messages.Payload{Body: strings.ToUpper(p.GetBody()), Index: 2 * p.GetIndex()}, nil) {
				return
			}
		}
	}
}

func (shapesServicer) Ping(*emptypb.Empty, *grpcio.ServicerContext) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// second implements grpcio_go.testing.shapes.Second.
type second struct{}

func (second) Greet(req *messages.Payload, ctx *grpcio.ServicerContext) (*shapes.Reply, error) {
	return &shapes.Reply{Text: "hello, " + req.GetBody()}, nil
}

func payloads(ps ...*messages.Payload) iter.Seq[*messages.Payload] {
	return slices.Values(ps)
}

// collect reads a response stream to its end.
func collect[T any](t *testing.T, next func() (T, error)) []T {
	t.Helper()
	var got []T
	for {
		m, err := next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("after %d responses: %v", len(got), err)
		}
		got = append(got, m)
	}
}

func assertEqual(t *testing.T, what string, got, want proto.Message) {
	t.Helper()
	if !proto.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// TestShapes runs the four shapes through ShapesStub and
// AddShapesServicerToServer, with payloads of another Go package and a
// well-known type.
func TestShapes(t *testing.T) {
	leakcheck.Check(t)
	stub := shapes.NewShapesStub(grpctest.ServeAndDial(t, func(s *grpcio.Server) {
		shapes.AddShapesServicerToServer(shapesServicer{}, s)
	}, grpcio.MaxWorkers(4)))

	reply, err := stub.Echo.Call(&shapes.Request{Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "Echo", reply, &shapes.Reply{Text: "echo: hi"})

	_, err = stub.Echo.Call(&shapes.Request{Text: "abort"})
	grpctest.AssertStatus(t, err, grpcio.InvalidArgument, "no echo for abort")

	counts, err := stub.Count.Call(&shapes.Request{Text: "n", Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	got := collect(t, counts.Next)
	if len(got) != 3 {
		t.Fatalf("Count sent %d payloads, want 3", len(got))
	}
	for i, p := range got {
		assertEqual(t, "Count", p, &messages.Payload{Body: "n", Index: int32(i)})
	}
	if counts.Code() != grpcio.OK {
		t.Errorf("Count ended with %v", counts.Code())
	}

	reply, err = stub.Sum.Call(payloads(&messages.Payload{Body: "a", Index: 1}, &messages.Payload{Body: "b", Index: 2}, &messages.Payload{Body: "c", Index: 4}))
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "Sum", reply, &shapes.Reply{Text: "a,b,c", Total: 7})

	chat, err := stub.Chat.Call(payloads(&messages.Payload{Body: "x", Index: 1}, &messages.Payload{Body: "y", Index: 5}))
	if err != nil {
		t.Fatal(err)
	}
	got = collect(t, chat.Next)
	if len(got) != 2 {
		t.Fatalf("Chat sent %d payloads, want 2", len(got))
	}
	assertEqual(t, "Chat[0]", got[0], &messages.Payload{Body: "X", Index: 2})
	assertEqual(t, "Chat[1]", got[1], &messages.Payload{Body: "Y", Index: 10})

	empty, err := stub.Ping.Call(&emptypb.Empty{})
	if err != nil || empty == nil {
		t.Errorf("Ping: %v, %v", empty, err)
	}

	// OldEcho (deprecated) is left to UnimplementedShapesServicer.
	_, err = stub.OldEcho.Call(&shapes.Request{Text: "hi"})
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, notImplemented)
}

// TestUnimplementedShapes checks grpcio's generated-servicer status on all
// four shapes: UNIMPLEMENTED "Method not implemented!" and no response.
func TestUnimplementedShapes(t *testing.T) {
	leakcheck.Check(t)
	stub := shapes.NewShapesStub(grpctest.ServeAndDial(t, func(s *grpcio.Server) {
		shapes.AddShapesServicerToServer(shapes.UnimplementedShapesServicer{}, s)
	}))

	reply, err := stub.Echo.Call(&shapes.Request{Text: "hi"})
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, notImplemented)
	if reply != nil {
		t.Errorf("Echo: %v with the error", reply)
	}

	counts, err := stub.Count.Call(&shapes.Request{Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	p, err := counts.Next()
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, notImplemented)
	if p != nil {
		t.Errorf("Count: %v with the error", p)
	}

	reply, err = stub.Sum.Call(payloads(&messages.Payload{Index: 1}))
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, notImplemented)
	if reply != nil {
		t.Errorf("Sum: %v with the error", reply)
	}

	chat, err := stub.Chat.Call(payloads(&messages.Payload{Index: 1}))
	if err != nil {
		t.Fatal(err)
	}
	p, err = chat.Next()
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, notImplemented)
	if p != nil {
		t.Errorf("Chat: %v with the error", p)
	}

	_, err = stub.Ping.Call(&emptypb.Empty{})
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, notImplemented)
}

// TestSeveralServices serves the four services of shapes.proto (one of them
// without methods) and the one of deprecated.proto on one server: each stub reaches its own service,
// and a method asked of the wrong service is grpcio's "Method not found!".
func TestSeveralServices(t *testing.T) {
	leakcheck.Check(t)
	ch := grpctest.ServeAndDial(t, func(s *grpcio.Server) {
		shapes.AddShapesServicerToServer(shapesServicer{}, s)
		shapes.AddSecondServicerToServer(second{}, s)
		shapes.AddLegacyServicerToServer(shapes.UnimplementedLegacyServicer{}, s)
		shapes.AddNoMethodsServicerToServer(shapes.UnimplementedNoMethodsServicer{}, s)
		deprecated.AddOldServicerToServer(deprecated.UnimplementedOldServicer{}, s)
	})

	reply, err := shapes.NewSecondStub(ch).Greet.Call(&messages.Payload{Body: "second"})
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "Greet", reply, &shapes.Reply{Text: "hello, second"})

	reply, err = shapes.NewShapesStub(ch).Echo.Call(&shapes.Request{Text: "first"})
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "Echo", reply, &shapes.Reply{Text: "echo: first"})

	legacy, err := shapes.NewLegacyStub(ch).Stream.Call(slices.Values([]*shapes.Request{{Text: "old"}}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = legacy.Next()
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, notImplemented)

	_, err = deprecated.NewOldStub(ch).Call.Call(&deprecated.Empty{})
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, notImplemented)

	_, err = grpcio.NewUnaryUnary[*messages.Payload, *shapes.Reply](ch, "/grpcio_go.testing.shapes.Shapes/Greet").Call(&messages.Payload{})
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, "Method not found!")
	_, err = grpcio.NewUnaryUnary[*messages.Payload, *shapes.Reply](ch, "/grpcio_go.testing.shapes.NoMethods/Greet").Call(&messages.Payload{})
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, "Method not found!")
	if stub := shapes.NewNoMethodsStub(ch); stub == nil {
		t.Error("NewNoMethodsStub returned nil")
	}
}

// namesServicer implements grpcio_go.testing.names.v1.lower_case_service.
type namesServicer struct{}

func (namesServicer) SayHello(req *names.Stub, ctx *grpcio.ServicerContext) (*names.Servicer, error) {
	return &names.Servicer{Name: "hello " + req.GetName()}, nil
}

func (namesServicer) GetV2(req *grpc.Ping, ctx *grpcio.ServicerContext) iter.Seq2[*grpc.Ping, error] {
	return func(yield func(*grpc.Ping, error) bool) {
		_ = yield(&grpc.Ping{Text: req.GetText() + " v2"}, nil) && yield(&grpc.Ping{Text: req.GetText() + " v2 again"}, nil)
	}
}

func (namesServicer) Method_With_Underscores(reqs iter.Seq2[*names.Stub, error], ctx *grpcio.ServicerContext) (*names.Servicer, error) {
	var n []string
	for s, err := range reqs {
		if err != nil {
			return nil, err
		}
		n = append(n, s.GetName())
	}
	return &names.Servicer{Name: strings.Join(n, "+")}, nil
}

// TestNames checks the service whose .proto names are not Go names: the Go
// stub reaches the methods at their .proto names, which is what grpcio's
// stubs call.
func TestNames(t *testing.T) {
	leakcheck.Check(t)
	ch := grpctest.ServeAndDial(t, func(s *grpcio.Server) {
		names.AddLowerCaseServiceServicerToServer(namesServicer{}, s)
	})
	stub := names.NewLowerCaseServiceStub(ch)

	reply, err := stub.SayHello.Call(&names.Stub{Name: "go"})
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "SayHello", reply, &names.Servicer{Name: "hello go"})

	pings, err := stub.GetV2.Call(&grpc.Ping{Text: "ping"})
	if err != nil {
		t.Fatal(err)
	}
	got := collect(t, pings.Next)
	if len(got) != 2 || got[0].GetText() != "ping v2" || got[1].GetText() != "ping v2 again" {
		t.Errorf("GetV2 = %v", got)
	}

	reply, err = stub.Method_With_Underscores.Call(slices.Values([]*names.Stub{{Name: "a"}, {Name: "b"}}))
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, "Method_With_Underscores", reply, &names.Servicer{Name: "a+b"})

	// The path on the wire is the .proto name, as in grpcio's stub.
	b, err := proto.Marshal(&names.Stub{Name: "wire"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ch.UnaryUnary("/grpcio_go.testing.names.v1.lower_case_service/say_hello").Call(b)
	if err != nil {
		t.Fatal(err)
	}
	var fromWire names.Servicer
	if err := proto.Unmarshal(raw.([]byte), &fromWire); err != nil || fromWire.GetName() != "hello wire" {
		t.Errorf("say_hello by its path: %v, %v", &fromWire, err)
	}
	_, err = ch.UnaryUnary("/grpcio_go.testing.names.v1.LowerCaseService/SayHello").Call(b)
	grpctest.AssertStatus(t, err, grpcio.Unimplemented, "Method not found!")
}
