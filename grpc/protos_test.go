package grpc_test

import (
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bufbuild/protocompile/reporter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// The proto path of the route_guide-like proto: its geo/geometry.proto
// import lives in a second directory.
var routeGuidePath = grpc.ProtoPath("testdata/protos", "testdata/protos/include")

// loadRouteGuide loads testdata/protos/routeguide/route_guide.proto.
func loadRouteGuide(t *testing.T) (*grpc.ProtosModule, *grpc.ServicesModule) {
	t.Helper()
	pb, svc, err := grpc.ProtosAndServices("routeguide/route_guide.proto", routeGuidePath)
	require.NoError(t, err)
	return pb, svc
}

// newMessage makes a message of the type called name in pb and sets its
// fields: field names and values alternate.
func newMessage(t *testing.T, pb *grpc.ProtosModule, name string, fields ...any) proto.Message {
	t.Helper()
	mt, err := pb.Message(name)
	require.NoError(t, err)
	m := mt.New()
	for i := 0; i < len(fields); i += 2 {
		setField(t, m.Interface(), fields[i].(string), fields[i+1])
	}
	return m.Interface()
}

// setField sets m's field called name: a scalar, a message, a []string
// (repeated string) or a map[string]int32.
func setField(t *testing.T, m proto.Message, name string, v any) {
	t.Helper()
	r := m.ProtoReflect()
	fd := r.Descriptor().Fields().ByName(protoreflect.Name(name))
	require.NotNil(t, fd, "%s has no field %s", r.Descriptor().FullName(), name)
	switch v := v.(type) {
	case proto.Message:
		r.Set(fd, protoreflect.ValueOfMessage(v.ProtoReflect()))
	case []string:
		l := r.Mutable(fd).List()
		for _, s := range v {
			l.Append(protoreflect.ValueOfString(s))
		}
	case map[string]int32:
		mp := r.Mutable(fd).Map()
		for k, n := range v {
			mp.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfInt32(n))
		}
	case protoreflect.EnumNumber:
		r.Set(fd, protoreflect.ValueOfEnum(v))
	default:
		r.Set(fd, protoreflect.ValueOf(v))
	}
}

// field reads m's field called name.
func field(m proto.Message, name string) protoreflect.Value {
	r := m.ProtoReflect()
	return r.Get(r.Descriptor().Fields().ByName(protoreflect.Name(name)))
}

// serveServices starts a server after register has added its servicers
// and returns a channel to it; both end with the test.
func serveServices(t *testing.T, register func(*grpc.Server)) *grpc.Channel {
	t.Helper()
	return grpctest.ServeAndDial(t, register, grpc.MaxWorkers(8))
}

// TestProtosHelloworld loads a helloworld-like proto and round-trips its
// messages through dynamicpb, with the bytes protoc's code produces.
func TestProtosHelloworld(t *testing.T) {
	leakcheck.Check(t)
	pb, err := grpc.Protos("helloworld.proto", grpc.ProtoPath("testdata/protos"))
	require.NoError(t, err)
	assert.Equal(t, "helloworld.proto", pb.File().Path())
	assert.Equal(t, protoreflect.FullName("helloworld"), pb.File().Package())

	helloRequest, err := pb.Message("HelloRequest")
	require.NoError(t, err)
	assert.Equal(t, protoreflect.FullName("helloworld.HelloRequest"), helloRequest.Descriptor().FullName())
	full, err := pb.Message("helloworld.HelloRequest")
	require.NoError(t, err)
	assert.Equal(t, helloRequest.Descriptor(), full.Descriptor())

	req := newMessage(t, pb, "HelloRequest", "name", "wire")
	assert.IsType(t, &dynamicpb.Message{}, req)
	b, err := proto.Marshal(req)
	require.NoError(t, err)
	assert.Equal(t, []byte("\x0a\x04wire"), b, "field 1, a string")
	back := helloRequest.New().Interface()
	require.NoError(t, proto.Unmarshal(b, back))
	assert.Equal(t, "wire", field(back, "name").String())
	assert.True(t, proto.Equal(req, back))
}

// TestProtosMessageRoundTrip round-trips a message with nested, enum,
// repeated, map, imported and well-known fields.
func TestProtosMessageRoundTrip(t *testing.T) {
	leakcheck.Check(t)
	pb, _ := loadRouteGuide(t)
	kind, err := pb.Enum("Feature.Kind")
	require.NoError(t, err)
	terrain, err := pb.Enum("Terrain")
	require.NoError(t, err)
	assert.Equal(t, protoreflect.FullName("routeguide.Terrain"), terrain.Descriptor().FullName())

	feature := newMessage(t, pb, "Feature",
		"name", "Mont Blanc",
		"location", newMessage(t, pb, "geo.Point", "latitude", int32(458326), "longitude", int32(68652)),
		"kind", kind.Descriptor().Values().ByName("PEAK").Number(),
		"tags", []string{"alps", "high"},
		"detail", newMessage(t, pb, "Feature.Detail", "note", "4806 m"),
		"terrain", terrain.Descriptor().Values().ByName("TRAIL").Number(),
	)
	note := newMessage(t, pb, "RouteNote",
		"message", "summit",
		"sent", newMessage(t, pb, "google.protobuf.Timestamp", "seconds", int64(1700000000), "nanos", int32(5)))
	summary := newMessage(t, pb, "RouteSummary", "point_count", int32(3), "distance", int64(1<<40),
		"visits", map[string]int32{"a": 1, "b": 2})

	for _, m := range []proto.Message{feature, note, summary} {
		b, err := proto.Marshal(m)
		require.NoError(t, err)
		mt, err := pb.Message(string(m.ProtoReflect().Descriptor().FullName()))
		require.NoError(t, err)
		back := mt.New().Interface()
		require.NoError(t, proto.Unmarshal(b, back))
		assert.True(t, proto.Equal(m, back), "%v != %v", m, back)
	}

	// The Timestamp field has the wire form of the generated type.
	b, err := proto.Marshal(field(note, "sent").Message().Interface())
	require.NoError(t, err)
	ts := new(timestamppb.Timestamp)
	require.NoError(t, proto.Unmarshal(b, ts))
	assert.Equal(t, time.Unix(1700000000, 5).UTC(), ts.AsTime())
	assert.Equal(t, "PEAK", string(kind.Descriptor().Values().ByNumber(field(feature, "kind").Enum()).Name()))
}

// TestRuntimeProtosHelloworld serves and calls the Greeter with a dynamic
// servicer and a dynamic stub; the method left out is UNIMPLEMENTED as in
// grpcio's generated servicer.
func TestRuntimeProtosHelloworld(t *testing.T) {
	leakcheck.Check(t)
	pb, svc, err := grpc.ProtosAndServices("helloworld.proto", grpc.ProtoPath("testdata/protos"))
	require.NoError(t, err)
	ch := serveServices(t, func(s *grpc.Server) {
		require.NoError(t, svc.AddServicerToServer("Greeter", grpc.DynamicServicer{
			"SayHello": func(req proto.Message, ctx *grpc.ServicerContext) (proto.Message, error) {
				return newMessage(t, pb, "HelloReply", "message", "Hello, "+field(req, "name").String()+"!"), nil
			},
		}, s))
	})
	stub, err := svc.Stub("Greeter", ch)
	require.NoError(t, err)
	assert.Equal(t, protoreflect.FullName("helloworld.Greeter"), stub.Service().FullName())
	sayHello, err := stub.UnaryUnary("SayHello")
	require.NoError(t, err)

	reply, call, err := sayHello.WithCall(newMessage(t, pb, "HelloRequest", "name", "you"))
	require.NoError(t, err)
	assert.Equal(t, protoreflect.FullName("helloworld.HelloReply"), reply.ProtoReflect().Descriptor().FullName())
	assert.Equal(t, "Hello, you!", field(reply, "message").String())
	assert.Equal(t, grpc.OK, call.Code())

	sayGoodbye, err := stub.UnaryUnary("SayGoodbye")
	require.NoError(t, err)
	_, err = sayGoodbye.Call(newMessage(t, pb, "HelloRequest", "name", "you"))
	assertStatus(t, err, grpc.Unimplemented, "Method not implemented!")

	// The wire format is protoc's: a raw call sees the same bytes.
	raw, err := ch.UnaryUnary("/helloworld.Greeter/SayHello").Call([]byte("\x0a\x04wire"))
	require.NoError(t, err)
	assert.Equal(t, []byte("\x0a\x0cHello, wire!"), raw)
	_, err = ch.UnaryUnary("/helloworld.Greeter/SayHi").Call([]byte{})
	assertStatus(t, err, grpc.Unimplemented, "Method not found!")

	// A Services-only load works with the same channel.
	svc2, err := grpc.Services("helloworld.proto", grpc.ProtoPath("testdata/protos"))
	require.NoError(t, err)
	stub2, err := svc2.Stub("helloworld.Greeter", ch)
	require.NoError(t, err)
	sayHello2, err := stub2.UnaryUnary("SayHello")
	require.NoError(t, err)
	reply, err = sayHello2.Call(newMessage(t, pb, "HelloRequest", "name", "again"))
	require.NoError(t, err)
	assert.Equal(t, "Hello, again!", field(reply, "message").String())
}

// routeGuideServicer is a dynamic servicer of every RouteGuide method.
func routeGuideServicer(t *testing.T, pb *grpc.ProtosModule) grpc.DynamicServicer {
	point := func(lat, lon int32) proto.Message {
		return newMessage(t, pb, "geo.Point", "latitude", lat, "longitude", lon)
	}
	xKeys := func(ctx *grpc.ServicerContext) grpc.Metadata {
		var md grpc.Metadata
		for _, m := range ctx.InvocationMetadata() {
			if strings.HasPrefix(m.Key, "x-") {
				md = append(md, m)
			}
		}
		return md
	}
	return grpc.DynamicServicer{
		"GetFeature": func(req proto.Message, ctx *grpc.ServicerContext) (proto.Message, error) {
			lat, lon := int32(field(req, "latitude").Int()), int32(field(req, "longitude").Int())
			if lat == 0 && lon == 0 {
				return nil, ctx.Abort(grpc.NotFound, "no feature at 0,0")
			}
			if err := ctx.SendInitialMetadata(xKeys(ctx)); err != nil {
				return nil, err
			}
			ctx.SetTrailingMetadata(grpc.Metadata{{Key: "served-by", Value: "dynamic"}})
			return newMessage(t, pb, "Feature",
				"name", fmt.Sprintf("feature at %d,%d", lat, lon),
				"location", req,
				"kind", protoreflect.EnumNumber(1),
				"tags", []string{"one", "two"},
				"detail", newMessage(t, pb, "Feature.Detail", "note", "noted")), nil
		},
		"ListFeatures": func(req proto.Message, ctx *grpc.ServicerContext) iter.Seq2[proto.Message, error] {
			lo, hi := field(req, "lo").Message().Interface(), field(req, "hi").Message().Interface()
			from, to := int32(field(lo, "latitude").Int()), int32(field(hi, "latitude").Int())
			ctx.SetTrailingMetadata(grpc.Metadata{{Key: "count", Value: fmt.Sprint(to - from + 1)}})
			return func(yield func(proto.Message, error) bool) {
				for lat := from; lat <= to; lat++ {
					f := newMessage(t, pb, "Feature", "name", fmt.Sprintf("f%d", lat), "location", point(lat, 0))
					if !yield(f, nil) {
						return
					}
				}
			}
		},
		"RecordRoute": func(reqs iter.Seq2[proto.Message, error], ctx *grpc.ServicerContext) (proto.Message, error) {
			var n int32
			var distance int64
			visits := map[string]int32{}
			var prev proto.Message
			for p, err := range reqs {
				if err != nil {
					return nil, err
				}
				n++
				visits[fmt.Sprintf("%d,%d", field(p, "latitude").Int(), field(p, "longitude").Int())]++
				if prev != nil {
					distance += abs(field(p, "latitude").Int()-field(prev, "latitude").Int()) +
						abs(field(p, "longitude").Int()-field(prev, "longitude").Int())
				}
				prev = p
			}
			return newMessage(t, pb, "RouteSummary", "point_count", n, "distance", distance, "visits", visits), nil
		},
		"RouteChat": func(reqs iter.Seq2[proto.Message, error], ctx *grpc.ServicerContext) iter.Seq2[proto.Message, error] {
			if err := ctx.SendInitialMetadata(xKeys(ctx)); err != nil {
				t.Error(err)
			}
			return func(yield func(proto.Message, error) bool) {
				for note, err := range reqs {
					if err != nil {
						yield(nil, err)
						return
					}
					reply := proto.Clone(note)
					setField(t, reply, "message", "echo: "+field(note, "message").String())
					if !yield(reply, nil) {
						return
					}
				}
			}
		},
		// A generated message type of the method's output type is accepted.
		"Now": func(req proto.Message, ctx *grpc.ServicerContext) (proto.Message, error) {
			return timestamppb.New(time.Unix(1700000000, 42)), nil
		},
	}
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// seq yields msgs as a request stream.
func seq(msgs ...proto.Message) iter.Seq[proto.Message] { return slices.Values(msgs) }

// TestRuntimeProtosAllShapes runs the four RPC shapes of the route_guide-
// like proto end to end, dynamic stub against dynamic servicer, checking
// payloads, statuses and metadata.
func TestRuntimeProtosAllShapes(t *testing.T) {
	leakcheck.Check(t)
	pb, svc := loadRouteGuide(t)
	ch := serveServices(t, func(s *grpc.Server) {
		require.NoError(t, svc.AddServicerToServer("RouteGuide", routeGuideServicer(t, pb), s))
	})
	stub, err := svc.Stub("RouteGuide", ch)
	require.NoError(t, err)
	point := func(lat, lon int32) proto.Message {
		return newMessage(t, pb, "geo.Point", "latitude", lat, "longitude", lon)
	}
	md := grpc.WithMetadata(grpc.Metadata{{Key: "x-trace", Value: "abc"}, {Key: "other", Value: "no"}})

	t.Run("UnaryUnary", func(t *testing.T) {
		getFeature, err := stub.UnaryUnary("GetFeature")
		require.NoError(t, err)
		feature, call, err := getFeature.WithCall(point(409146138, -746188906), md)
		require.NoError(t, err)
		assert.Equal(t, "feature at 409146138,-746188906", field(feature, "name").String())
		loc := field(feature, "location").Message().Interface()
		assert.Equal(t, int64(409146138), field(loc, "latitude").Int())
		assert.Equal(t, int64(-746188906), field(loc, "longitude").Int())
		assert.Equal(t, protoreflect.EnumNumber(1), field(feature, "kind").Enum())
		tags := field(feature, "tags").List()
		require.Equal(t, 2, tags.Len())
		assert.Equal(t, []string{"one", "two"}, []string{tags.Get(0).String(), tags.Get(1).String()})
		assert.Equal(t, "noted", field(field(feature, "detail").Message().Interface(), "note").String())
		assert.Equal(t, grpc.OK, call.Code())
		v, _ := call.InitialMetadata().Get("x-trace")
		assert.Equal(t, "abc", v)
		_, found := call.InitialMetadata().Get("other")
		assert.False(t, found)
		v, _ = call.TrailingMetadata().Get("served-by")
		assert.Equal(t, "dynamic", v)

		_, err = getFeature.Call(point(0, 0))
		assertStatus(t, err, grpc.NotFound, "no feature at 0,0")
	})

	t.Run("UnaryStream", func(t *testing.T) {
		listFeatures, err := stub.UnaryStream("ListFeatures")
		require.NoError(t, err)
		rect := newMessage(t, pb, "geo.Rectangle", "lo", point(10, 0), "hi", point(13, 5))
		it, err := listFeatures.Call(rect)
		require.NoError(t, err)
		var names []string
		for f, err := range it.All() {
			require.NoError(t, err)
			names = append(names, field(f, "name").String())
		}
		assert.Equal(t, []string{"f10", "f11", "f12", "f13"}, names)
		assert.Equal(t, grpc.OK, it.Code())
		v, _ := it.TrailingMetadata().Get("count")
		assert.Equal(t, "4", v)
	})

	t.Run("StreamUnary", func(t *testing.T) {
		recordRoute, err := stub.StreamUnary("RecordRoute")
		require.NoError(t, err)
		summary, call, err := recordRoute.WithCall(seq(point(0, 0), point(3, 4), point(0, 0), point(1, 1)))
		require.NoError(t, err)
		assert.Equal(t, grpc.OK, call.Code())
		assert.Equal(t, int64(4), field(summary, "point_count").Int())
		assert.Equal(t, int64(7+7+2), field(summary, "distance").Int())
		visits := map[string]int64{}
		field(summary, "visits").Map().Range(func(k protoreflect.MapKey, v protoreflect.Value) bool {
			visits[k.String()] = v.Int()
			return true
		})
		assert.Equal(t, map[string]int64{"0,0": 2, "3,4": 1, "1,1": 1}, visits)
	})

	t.Run("StreamStream", func(t *testing.T) {
		routeChat, err := stub.StreamStream("RouteChat")
		require.NoError(t, err)
		sent := newMessage(t, pb, "google.protobuf.Timestamp", "seconds", int64(1700000000))
		var notes []proto.Message
		for i := range 3 {
			notes = append(notes, newMessage(t, pb, "RouteNote",
				"location", point(int32(i), int32(-i)), "message", fmt.Sprint("note ", i), "sent", sent))
		}
		it, err := routeChat.Call(seq(notes...), md)
		require.NoError(t, err)
		for i := range 3 {
			reply, err := it.Next()
			require.NoError(t, err)
			assert.Equal(t, fmt.Sprint("echo: note ", i), field(reply, "message").String())
			want := proto.Clone(notes[i])
			setField(t, want, "message", fmt.Sprint("echo: note ", i))
			assert.True(t, proto.Equal(want, reply), "%v != %v", want, reply)
		}
		_, err = it.Next()
		assert.Equal(t, io.EOF, err)
		v, _ := it.InitialMetadata().Get("x-trace")
		assert.Equal(t, "abc", v)
	})

	t.Run("WellKnownTypes", func(t *testing.T) {
		now, err := stub.UnaryUnary("Now")
		require.NoError(t, err)
		// A generated request of the method's input type works too.
		ts, err := now.Call(&emptypb.Empty{})
		require.NoError(t, err)
		assert.IsType(t, &dynamicpb.Message{}, ts)
		assert.Equal(t, protoreflect.FullName("google.protobuf.Timestamp"), ts.ProtoReflect().Descriptor().FullName())
		assert.Equal(t, int64(1700000000), field(ts, "seconds").Int())
		assert.Equal(t, int64(42), field(ts, "nanos").Int())
		ts, err = now.Call(newMessage(t, pb, "google.protobuf.Empty"))
		require.NoError(t, err)
		assert.Equal(t, int64(1700000000), field(ts, "seconds").Int())
	})

	t.Run("WrongRequestType", func(t *testing.T) {
		getFeature, err := stub.UnaryUnary("GetFeature")
		require.NoError(t, err)
		_, err = getFeature.Call(newMessage(t, pb, "Feature"))
		assertStatus(t, err, grpc.Internal, "Exception serializing request!")
		_, err = getFeature.Call(nil)
		assertStatus(t, err, grpc.Internal, "Exception serializing request!")
	})
}

// TestDynamicServicerUnimplemented: methods a servicer leaves out end with
// grpcio's generated-servicer status, whatever their shape.
func TestDynamicServicerUnimplemented(t *testing.T) {
	leakcheck.Check(t)
	pb, svc := loadRouteGuide(t)
	ch := serveServices(t, func(s *grpc.Server) {
		require.NoError(t, svc.AddServicerToServer("RouteGuide", grpc.DynamicServicer{}, s))
	})
	stub, err := svc.Stub("RouteGuide", ch)
	require.NoError(t, err)
	point := newMessage(t, pb, "geo.Point", "latitude", int32(1))
	const details = "Method not implemented!"

	getFeature, err := stub.UnaryUnary("GetFeature")
	require.NoError(t, err)
	_, err = getFeature.Call(point)
	assertStatus(t, err, grpc.Unimplemented, details)

	listFeatures, err := stub.UnaryStream("ListFeatures")
	require.NoError(t, err)
	it, err := listFeatures.Call(newMessage(t, pb, "geo.Rectangle"))
	require.NoError(t, err)
	_, err = it.Next()
	assertStatus(t, err, grpc.Unimplemented, details)

	recordRoute, err := stub.StreamUnary("RecordRoute")
	require.NoError(t, err)
	_, err = recordRoute.Call(seq(point, point))
	assertStatus(t, err, grpc.Unimplemented, details)

	routeChat, err := stub.StreamStream("RouteChat")
	require.NoError(t, err)
	it, err = routeChat.Call(seq(newMessage(t, pb, "RouteNote")))
	require.NoError(t, err)
	_, err = it.Next()
	assertStatus(t, err, grpc.Unimplemented, details)
}

// TestDynamicServicerResponseType checks that a response of the wrong
// type, or nil, fails the RPC as grpcio's generated serializer does.
func TestDynamicServicerResponseType(t *testing.T) {
	leakcheck.Check(t)
	pb, svc, err := grpc.ProtosAndServices("helloworld.proto", grpc.ProtoPath("testdata/protos"))
	require.NoError(t, err)
	ch := serveServices(t, func(s *grpc.Server) {
		require.NoError(t, svc.AddServicerToServer("Greeter", grpc.DynamicServicer{
			"SayHello": func(req proto.Message, ctx *grpc.ServicerContext) (proto.Message, error) {
				return req, nil // a HelloRequest, not a HelloReply
			},
			"SayGoodbye": func(req proto.Message, ctx *grpc.ServicerContext) (proto.Message, error) {
				return nil, nil
			},
		}, s))
	})
	stub, err := svc.Stub("Greeter", ch)
	require.NoError(t, err)
	for _, m := range []string{"SayHello", "SayGoodbye"} {
		mc, err := stub.UnaryUnary(m)
		require.NoError(t, err)
		_, err = mc.Call(newMessage(t, pb, "HelloRequest", "name", "x"))
		assertStatus(t, err, grpc.Internal, "Failed to serialize response!")
	}
}

// TestDynamicServicerRPCMethodHandler registers a handler built with the
// handler constructors and codec functions of the caller's choosing.
func TestDynamicServicerRPCMethodHandler(t *testing.T) {
	leakcheck.Check(t)
	pb, svc, err := grpc.ProtosAndServices("helloworld.proto", grpc.ProtoPath("testdata/protos"))
	require.NoError(t, err)
	ch := serveServices(t, func(s *grpc.Server) {
		require.NoError(t, svc.AddServicerToServer("Greeter", grpc.DynamicServicer{
			"SayHello": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
				return append([]byte("\x0a\x03raw"), req...), nil // HelloReply{message: "raw"}, then the request's field 1
			}, nil, nil),
		}, s))
	})
	stub, err := svc.Stub("Greeter", ch)
	require.NoError(t, err)
	sayHello, err := stub.UnaryUnary("SayHello")
	require.NoError(t, err)
	reply, err := sayHello.Call(newMessage(t, pb, "HelloRequest", "name", "last"))
	require.NoError(t, err)
	assert.Equal(t, "last", field(reply, "message").String(), "the last field 1 wins")
}

// TestProtosImportsFromSearchPath: imports are found in every directory of
// the proto path, in order; without the right directory the import's
// position and the paths searched are reported.
func TestProtosImportsFromSearchPath(t *testing.T) {
	leakcheck.Check(t)
	pb, _ := loadRouteGuide(t)
	imports := pb.File().Imports()
	var paths []string
	for i := range imports.Len() {
		paths = append(paths, imports.Get(i).Path())
	}
	assert.Equal(t, []string{"geo/geometry.proto", "google/protobuf/empty.proto", "google/protobuf/timestamp.proto"}, paths)
	point, err := pb.Message("geo.Point")
	require.NoError(t, err)
	assert.Equal(t, "geo/geometry.proto", point.Descriptor().ParentFile().Path())

	_, err = grpc.Protos("routeguide/route_guide.proto", grpc.ProtoPath("testdata/protos"))
	abs, _ := filepath.Abs("testdata/protos/geo/geometry.proto")
	require.Error(t, err)
	assert.Equal(t, `grpc: Protos("routeguide/route_guide.proto"): routeguide/route_guide.proto:8:8: `+
		`geo/geometry.proto not found in the proto path; searched `+abs+`: file does not exist`, err.Error())

	// The ProtoPath options add up; the current directory is the default.
	_, err = grpc.Protos("routeguide/route_guide.proto", grpc.ProtoPath("testdata/protos"), grpc.ProtoPath("testdata/protos/include"))
	require.NoError(t, err)
	t.Chdir("testdata/protos")
	_, err = grpc.Protos("helloworld.proto")
	require.NoError(t, err)
	// An absolute path inside a directory of the proto path is its file.
	abs, _ = filepath.Abs("routeguide/route_guide.proto")
	pb, err = grpc.Protos(abs, grpc.ProtoPath(".", "include"))
	require.NoError(t, err)
	assert.Equal(t, "routeguide/route_guide.proto", pb.File().Path())
}

// TestProtosWellKnownTypes loads the well-known types, which need no proto
// path, as grpc_tools bundles them.
func TestProtosWellKnownTypes(t *testing.T) {
	leakcheck.Check(t)
	empty, err := grpc.Protos("google/protobuf/empty.proto", grpc.ProtoPath(t.TempDir()))
	require.NoError(t, err)
	mt, err := empty.Message("Empty")
	require.NoError(t, err)
	assert.Equal(t, protoreflect.FullName("google.protobuf.Empty"), mt.Descriptor().FullName())

	ts, err := grpc.Protos("google/protobuf/timestamp.proto")
	require.NoError(t, err)
	mt, err = ts.Message("google.protobuf.Timestamp")
	require.NoError(t, err)
	m := mt.New().Interface()
	setField(t, m, "seconds", int64(1))
	b, err := proto.Marshal(m)
	require.NoError(t, err)
	generated := new(timestamppb.Timestamp)
	require.NoError(t, proto.Unmarshal(b, generated))
	assert.Equal(t, int64(1), generated.GetSeconds())
}

// TestProtosMissingFile: the error names every path searched.
func TestProtosMissingFile(t *testing.T) {
	leakcheck.Check(t)
	dir := t.TempDir()
	_, err := grpc.Protos("foo/bar.proto", grpc.ProtoPath("testdata/protos", dir))
	require.Error(t, err)
	here, _ := filepath.Abs("testdata/protos/foo/bar.proto")
	assert.Equal(t, `grpc: Protos("foo/bar.proto"): foo/bar.proto not found in the proto path; searched `+
		here+`, `+filepath.Join(dir, "foo/bar.proto")+`: file does not exist`, err.Error())
	assert.ErrorIs(t, err, os.ErrNotExist)

	_, _, err = grpc.ProtosAndServices("nope.proto", grpc.ProtoPath(dir))
	assert.EqualError(t, err, `grpc: ProtosAndServices("nope.proto"): nope.proto not found in the proto path; searched `+
		filepath.Join(dir, "nope.proto")+`: file does not exist`)
	_, err = grpc.Services("nope.proto", grpc.ProtoPath(dir))
	assert.ErrorContains(t, err, `grpc: Services("nope.proto"): nope.proto not found`)

	_, err = grpc.Protos("bad/missing_import.proto", grpc.ProtoPath("testdata/protos"))
	missing, _ := filepath.Abs("testdata/protos/does/not/exist.proto")
	assert.EqualError(t, err, `grpc: Protos("bad/missing_import.proto"): bad/missing_import.proto:6:8: `+
		`does/not/exist.proto not found in the proto path; searched `+missing+`: file does not exist`)

	_, err = grpc.Protos("/elsewhere/x.proto", grpc.ProtoPath("testdata/protos"))
	assert.EqualError(t, err, `grpc: Protos("/elsewhere/x.proto"): /elsewhere/x.proto is not inside a directory `+
		`of the proto path (testdata/protos); add its directory with ProtoPath`)
	// An absolute path that an earlier directory shadows is refused, as
	// protoc refuses it.
	first, second := t.TempDir(), t.TempDir()
	for _, d := range []string{first, second} {
		require.NoError(t, os.WriteFile(filepath.Join(d, "x.proto"), []byte(`syntax = "proto3";`), 0o644))
	}
	_, err = grpc.Protos(filepath.Join(second, "x.proto"), grpc.ProtoPath(first, second))
	assert.EqualError(t, err, fmt.Sprintf(`grpc: Protos(%q): %s is shadowed by %s, which comes first in the proto path`,
		filepath.Join(second, "x.proto"), filepath.Join(second, "x.proto"), filepath.Join(first, "x.proto")))
	_, err = grpc.Protos("../x.proto", grpc.ProtoPath("testdata/protos"))
	assert.EqualError(t, err, `grpc: Protos("../x.proto"): ../x.proto must be relative to a directory of the proto path and inside it`)
}

// TestProtosSyntaxError: a compile error reports file:line:column.
func TestProtosSyntaxError(t *testing.T) {
	leakcheck.Check(t)
	_, err := grpc.Protos("bad/syntax_error.proto", grpc.ProtoPath("testdata/protos"))
	assert.EqualError(t, err, `grpc: Protos("bad/syntax_error.proto"): `+
		`bad/syntax_error.proto:7:17: syntax error: unexpected ';', expecting int literal`)
	var pos reporter.ErrorWithPos
	require.ErrorAs(t, err, &pos)
	p := pos.GetPosition()
	assert.Equal(t, "bad/syntax_error.proto", p.Filename)
	assert.Equal(t, 7, p.Line)
	assert.Equal(t, 17, p.Col)

	// A link error (an unknown type) is positioned too.
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "link.proto"),
		[]byte("syntax = \"proto3\";\nmessage M {\n  Missing m = 1;\n}\n"), 0o644))
	_, err = grpc.Protos("link.proto", grpc.ProtoPath(dir))
	assert.EqualError(t, err, `grpc: Protos("link.proto"): link.proto:3:3: field M.m: unknown type Missing`)
}

// TestRuntimeProtosUnknownNames: unknown services, methods and messages,
// wrong shapes and unfit behaviours are clear errors.
func TestRuntimeProtosUnknownNames(t *testing.T) {
	leakcheck.Check(t)
	pb, svc := loadRouteGuide(t)

	_, err := pb.Message("Nope")
	assert.EqualError(t, err, `grpc: routeguide/route_guide.proto has no message "Nope" (its messages: Feature, RouteNote, RouteSummary)`)
	_, err = pb.Enum("Kind")
	assert.EqualError(t, err, `grpc: routeguide/route_guide.proto has no enum "Kind" (its enums: Terrain)`)
	_, err = svc.Service("Greeter")
	assert.EqualError(t, err, `grpc: routeguide/route_guide.proto has no service "Greeter" (its services: RouteGuide)`)

	ch := dial(t, "127.0.0.1:1")
	_, err = svc.Stub("Greeter", ch)
	assert.EqualError(t, err, `grpc: routeguide/route_guide.proto has no service "Greeter" (its services: RouteGuide)`)
	stub, err := svc.Stub("routeguide.RouteGuide", ch)
	require.NoError(t, err)
	_, err = stub.UnaryUnary("GetFeatures")
	assert.EqualError(t, err, `grpc: service routeguide.RouteGuide has no method "GetFeatures" `+
		`(its methods: GetFeature, ListFeatures, RecordRoute, RouteChat, Now)`)
	_, err = stub.UnaryUnary("ListFeatures")
	assert.EqualError(t, err, `grpc: routeguide.RouteGuide.ListFeatures is unary-stream: use DynamicStub.UnaryStream, not UnaryUnary`)
	_, err = stub.StreamStream("RecordRoute")
	assert.EqualError(t, err, `grpc: routeguide.RouteGuide.RecordRoute is stream-unary: use DynamicStub.StreamUnary, not StreamStream`)

	s, err := grpc.NewServer()
	require.NoError(t, err)
	defer func() { <-s.Stop(0) }()
	unary := func(req proto.Message, ctx *grpc.ServicerContext) (proto.Message, error) { return req, nil }
	for _, tc := range []struct {
		service  string
		servicer grpc.DynamicServicer
		want     string
	}{
		{"Greeter", nil, `grpc: routeguide/route_guide.proto has no service "Greeter" (its services: RouteGuide)`},
		{"RouteGuide", grpc.DynamicServicer{"GetFeature": unary, "Nope": unary},
			`grpc: service routeguide.RouteGuide has no method "Nope" (its methods: GetFeature, ListFeatures, RecordRoute, RouteChat, Now)`},
		{"RouteGuide", grpc.DynamicServicer{"ListFeatures": unary},
			`grpc: routeguide.RouteGuide.ListFeatures is unary-stream, but its behavior is unary-unary: ` +
				`it takes a func(proto.Message, *grpc.ServicerContext) iter.Seq2[proto.Message, error]`},
		{"RouteGuide", grpc.DynamicServicer{"Now": "now"},
			`grpc: the behavior of routeguide.RouteGuide.Now is a string: a unary-unary method takes a ` +
				`func(proto.Message, *grpc.ServicerContext) (proto.Message, error) or an *grpc.RPCMethodHandler`},
		{"RouteGuide", grpc.DynamicServicer{"GetFeature": func(req *dynamicpb.Message, ctx *grpc.ServicerContext) (*dynamicpb.Message, error) { return req, nil }},
			`grpc: the behavior of routeguide.RouteGuide.GetFeature is a func(*dynamicpb.Message, *grpc.ServicerContext) (*dynamicpb.Message, error): ` +
				`a unary-unary method takes a func(proto.Message, *grpc.ServicerContext) (proto.Message, error) or an *grpc.RPCMethodHandler`},
		{"RouteGuide", grpc.DynamicServicer{"RecordRoute": grpc.UnaryUnaryRPCMethodHandler(unary, nil, nil)},
			`grpc: routeguide.RouteGuide.RecordRoute is stream-unary, but its behavior is unary-unary: ` +
				`it takes a func(iter.Seq2[proto.Message, error], *grpc.ServicerContext) (proto.Message, error)`},
		{"RouteGuide", grpc.DynamicServicer{"GetFeature": (func(proto.Message, *grpc.ServicerContext) (proto.Message, error))(nil)},
			`grpc: the behavior of routeguide.RouteGuide.GetFeature is a nil func(protoreflect.ProtoMessage, *grpc.ServicerContext) (protoreflect.ProtoMessage, error)`},
	} {
		assert.EqualError(t, svc.AddServicerToServer(tc.service, tc.servicer, s), tc.want)
	}
}
