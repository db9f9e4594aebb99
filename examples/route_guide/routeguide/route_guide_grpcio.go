// Client and server glue for route_guide.proto's RouteGuide service, in the
// shape protoc-gen-grpcio-go will generate: the counterpart of grpcio's
// generated route_guide_pb2_grpc.py. Written by hand until that generator
// exists.

package routeguide

import (
	"iter"

	"github.com/grpcio-go/grpcio/grpc"
)

// RouteGuideStub mirrors route_guide_pb2_grpc.RouteGuideStub: the client of
// the RouteGuide service, one multi-callable per method. It is safe for
// concurrent use for as long as its channel is open.
type RouteGuideStub struct {
	// GetFeature mirrors RouteGuideStub.GetFeature, a unary-unary
	// multi-callable: it invokes /routeguide.RouteGuide/GetFeature. A
	// non-OK status comes back as *grpc.RpcError.
	GetFeature *grpc.UnaryUnaryMultiCallable[*Point, *Feature]
	// ListFeatures mirrors RouteGuideStub.ListFeatures, a unary-stream
	// multi-callable: it invokes /routeguide.RouteGuide/ListFeatures and
	// returns the response stream, whose Next gives io.EOF after the last
	// feature of an OK RPC.
	ListFeatures *grpc.UnaryStreamMultiCallable[*Rectangle, *Feature]
	// RecordRoute mirrors RouteGuideStub.RecordRoute, a stream-unary
	// multi-callable: it invokes /routeguide.RouteGuide/RecordRoute, sending
	// the points of a request iterator (consumed on its own goroutine, as
	// grpcio consumes it on a thread).
	RecordRoute *grpc.StreamUnaryMultiCallable[*Point, *RouteSummary]
	// RouteChat mirrors RouteGuideStub.RouteChat, a stream-stream
	// multi-callable: it invokes /routeguide.RouteGuide/RouteChat, sending
	// the notes of a request iterator while the caller reads the response
	// stream.
	RouteChat *grpc.StreamStreamMultiCallable[*RouteNote, *RouteNote]
}

// NewRouteGuideStub mirrors route_guide_pb2_grpc.RouteGuideStub(channel): a
// stub whose methods invoke RPCs over ch. It makes no connection itself.
func NewRouteGuideStub(ch *grpc.Channel) *RouteGuideStub {
	return &RouteGuideStub{
		GetFeature:   grpc.NewUnaryUnary[*Point, *Feature](ch, "/routeguide.RouteGuide/GetFeature"),
		ListFeatures: grpc.NewUnaryStream[*Rectangle, *Feature](ch, "/routeguide.RouteGuide/ListFeatures"),
		RecordRoute:  grpc.NewStreamUnary[*Point, *RouteSummary](ch, "/routeguide.RouteGuide/RecordRoute"),
		RouteChat:    grpc.NewStreamStream[*RouteNote, *RouteNote](ch, "/routeguide.RouteGuide/RouteChat"),
	}
}

// RouteGuideServicer mirrors route_guide_pb2_grpc.RouteGuideServicer: what a
// RouteGuide server implements. Methods are called on the server's worker
// goroutines, concurrently. Embed UnimplementedRouteGuideServicer to leave
// methods out.
type RouteGuideServicer interface {
	// GetFeature mirrors RouteGuideServicer.GetFeature(request, context): it
	// returns the feature at req. A returned error ends the RPC with UNKNOWN
	// unless ctx.Abort decided the status.
	GetFeature(req *Point, ctx *grpc.ServicerContext) (*Feature, error)

	// ListFeatures mirrors RouteGuideServicer.ListFeatures(request,
	// context), a generator in grpcio: it returns the features to send, in
	// order, as an iterator. A yielded error ends the RPC with UNKNOWN
	// unless ctx.Abort decided the status.
	ListFeatures(req *Rectangle, ctx *grpc.ServicerContext) iter.Seq2[*Feature, error]

	// RecordRoute mirrors RouteGuideServicer.RecordRoute(request_iterator,
	// context): it reads the points from reqs and returns the summary. reqs
	// yields an error and stops if the RPC ends before the client
	// half-closes; return that error.
	RecordRoute(reqs iter.Seq2[*Point, error], ctx *grpc.ServicerContext) (*RouteSummary, error)

	// RouteChat mirrors RouteGuideServicer.RouteChat(request_iterator,
	// context): it reads notes from reqs and returns the notes to send as
	// an iterator, with the rules of RecordRoute and ListFeatures.
	RouteChat(reqs iter.Seq2[*RouteNote, error], ctx *grpc.ServicerContext) iter.Seq2[*RouteNote, error]
}

// UnimplementedRouteGuideServicer mirrors the method bodies of grpcio's
// generated RouteGuideServicer base class: every method fails with
// UNIMPLEMENTED "Method not implemented!". Embed it in a servicer to
// implement only some methods.
type UnimplementedRouteGuideServicer struct{}

// GetFeature mirrors RouteGuideServicer.GetFeature's generated body: it sets
// UNIMPLEMENTED and "Method not implemented!" and returns the error that
// ends the RPC with them, as grpcio raises NotImplementedError.
func (UnimplementedRouteGuideServicer) GetFeature(req *Point, ctx *grpc.ServicerContext) (*Feature, error) {
	return nil, ctx.Abort(grpc.Unimplemented, "Method not implemented!")
}

// ListFeatures mirrors RouteGuideServicer.ListFeatures's generated body: the
// RPC ends with UNIMPLEMENTED "Method not implemented!" before any feature
// is sent.
func (UnimplementedRouteGuideServicer) ListFeatures(req *Rectangle, ctx *grpc.ServicerContext) iter.Seq2[*Feature, error] {
	return unimplementedStream[*Feature](ctx)
}

// RecordRoute mirrors RouteGuideServicer.RecordRoute's generated body: the
// RPC ends with UNIMPLEMENTED "Method not implemented!" without reading the
// points.
func (UnimplementedRouteGuideServicer) RecordRoute(reqs iter.Seq2[*Point, error], ctx *grpc.ServicerContext) (*RouteSummary, error) {
	return nil, ctx.Abort(grpc.Unimplemented, "Method not implemented!")
}

// RouteChat mirrors RouteGuideServicer.RouteChat's generated body: the RPC
// ends with UNIMPLEMENTED "Method not implemented!" without reading the
// notes or sending any.
func (UnimplementedRouteGuideServicer) RouteChat(reqs iter.Seq2[*RouteNote, error], ctx *grpc.ServicerContext) iter.Seq2[*RouteNote, error] {
	return unimplementedStream[*RouteNote](ctx)
}

// unimplementedStream is the response iterator of an unimplemented
// response-streaming method: it aborts the RPC with UNIMPLEMENTED "Method
// not implemented!" when the server takes the first response.
func unimplementedStream[Resp any](ctx *grpc.ServicerContext) iter.Seq2[Resp, error] {
	return func(yield func(Resp, error) bool) {
		var zero Resp
		yield(zero, ctx.Abort(grpc.Unimplemented, "Method not implemented!"))
	}
}

// AddRouteGuideServicerToServer mirrors
// route_guide_pb2_grpc.add_RouteGuideServicer_to_server: it serves
// servicer's methods on server as the routeguide.RouteGuide service. Call it
// before server.Start.
func AddRouteGuideServicerToServer(servicer RouteGuideServicer, server *grpc.Server) {
	rpcMethodHandlers := map[string]*grpc.RPCMethodHandler{
		"GetFeature":   grpc.UnaryUnaryRPCMethodHandler(servicer.GetFeature, nil, nil),
		"ListFeatures": grpc.UnaryStreamRPCMethodHandler(servicer.ListFeatures, nil, nil),
		"RecordRoute":  grpc.StreamUnaryRPCMethodHandler(servicer.RecordRoute, nil, nil),
		"RouteChat":    grpc.StreamStreamRPCMethodHandler(servicer.RouteChat, nil, nil),
	}
	genericHandler := grpc.MethodHandlersGenericHandler("routeguide.RouteGuide", rpcMethodHandlers)
	server.AddGenericRPCHandlers(genericHandler)
	server.AddRegisteredMethodHandlers("routeguide.RouteGuide", rpcMethodHandlers)
}
