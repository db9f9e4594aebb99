// Client and server glue for helloworld.proto's Greeter service, in the shape
// protoc-gen-grpcio-go will generate: the counterpart of grpcio's generated
// helloworld_pb2_grpc.py. Written by hand until that generator exists.

package helloworld

import (
	"github.com/grpcio-go/grpcio/grpc"
)

// GreeterStub mirrors helloworld_pb2_grpc.GreeterStub: the client of the
// Greeter service, one multi-callable per method. It is safe for concurrent
// use for as long as its channel is open.
type GreeterStub struct {
	// SayHello mirrors GreeterStub.SayHello: it invokes
	// /helloworld.Greeter/SayHello. A non-OK status comes back as
	// *grpc.RpcError.
	SayHello *grpc.UnaryUnaryMultiCallable[*HelloRequest, *HelloReply]
}

// NewGreeterStub mirrors helloworld_pb2_grpc.GreeterStub(channel): a stub
// whose methods invoke RPCs over ch. It makes no connection itself.
func NewGreeterStub(ch *grpc.Channel) *GreeterStub {
	return &GreeterStub{
		SayHello: grpc.NewUnaryUnary[*HelloRequest, *HelloReply](ch, "/helloworld.Greeter/SayHello"),
	}
}

// GreeterServicer mirrors helloworld_pb2_grpc.GreeterServicer: what a Greeter
// server implements. Methods are called on the server's worker goroutines,
// concurrently. Embed UnimplementedGreeterServicer to leave methods out.
type GreeterServicer interface {
	// SayHello mirrors GreeterServicer.SayHello(request, context): it
	// returns the greeting for req. A returned error ends the RPC with
	// UNKNOWN unless ctx.Abort decided the status.
	SayHello(req *HelloRequest, ctx *grpc.ServicerContext) (*HelloReply, error)
}

// UnimplementedGreeterServicer mirrors the method bodies of grpcio's
// generated GreeterServicer base class: every method fails with UNIMPLEMENTED
// "Method not implemented!". Embed it in a servicer to implement only some
// methods.
type UnimplementedGreeterServicer struct{}

// SayHello mirrors GreeterServicer.SayHello's generated body: it sets
// UNIMPLEMENTED and "Method not implemented!" and returns the error that
// ends the RPC with them, as grpcio raises NotImplementedError.
func (UnimplementedGreeterServicer) SayHello(req *HelloRequest, ctx *grpc.ServicerContext) (*HelloReply, error) {
	return nil, ctx.Abort(grpc.Unimplemented, "Method not implemented!")
}

// AddGreeterServicerToServer mirrors
// helloworld_pb2_grpc.add_GreeterServicer_to_server: it serves servicer's
// methods on server as the helloworld.Greeter service. Call it before
// server.Start.
func AddGreeterServicerToServer(servicer GreeterServicer, server *grpc.Server) {
	rpcMethodHandlers := map[string]*grpc.RPCMethodHandler{
		"SayHello": grpc.UnaryUnaryRPCMethodHandler(servicer.SayHello, nil, nil),
	}
	genericHandler := grpc.MethodHandlersGenericHandler("helloworld.Greeter", rpcMethodHandlers)
	server.AddGenericRPCHandlers(genericHandler)
	server.AddRegisteredMethodHandlers("helloworld.Greeter", rpcMethodHandlers)
}
