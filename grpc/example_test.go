package grpc_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/grpcio-go/grpcio/grpc"
)

// exampleServer starts a server with one unary method, Greeter/SayHello on
// raw bytes, and returns its target and a stop function.
func exampleServer() (string, func()) {
	s, err := grpc.NewServer(grpc.MaxWorkers(4))
	if err != nil {
		panic(err)
	}
	s.AddGenericRPCHandlers(grpc.MethodHandlersGenericHandler("helloworld.Greeter", map[string]*grpc.RPCMethodHandler{
		"SayHello": grpc.UnaryUnaryRPCMethodHandler(func(name []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			if len(name) == 0 {
				return nil, ctx.Abort(grpc.InvalidArgument, "name is required")
			}
			return []byte("Hello, " + string(name) + "!"), nil
		}, nil, nil),
	}))
	port, err := s.AddInsecurePort("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	if err := s.Start(); err != nil {
		panic(err)
	}
	return fmt.Sprintf("127.0.0.1:%d", port), func() { <-s.Stop(time.Second) }
}

// A server, as grpc.server(futures.ThreadPoolExecutor(max_workers=4)) with a
// generic handler, and a client calling it, as grpc.insecure_channel and
// channel.unary_unary.
func ExampleInsecureChannel() {
	target, stop := exampleServer()
	defer stop()

	ch, err := grpc.InsecureChannel(target)
	if err != nil {
		panic(err)
	}
	defer ch.Close()
	sayHello := ch.UnaryUnary("/helloworld.Greeter/SayHello")
	reply, err := sayHello.Call([]byte("world"), grpc.Timeout(5*time.Second))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(reply.([]byte)))
	// Output: Hello, world!
}

// A failed RPC is a *grpc.RpcError with grpcio's code and details.
func ExampleRpcError() {
	target, stop := exampleServer()
	defer stop()
	ch, _ := grpc.InsecureChannel(target)
	defer ch.Close()

	_, err := grpc.NewUnaryUnary[[]byte, []byte](ch, "/helloworld.Greeter/SayHello").Call(nil)
	var rpcErr *grpc.RpcError
	if errors.As(err, &rpcErr) {
		fmt.Println(rpcErr.Code().Name(), rpcErr.Code(), rpcErr.Details())
	}
	_, err = ch.UnaryUnary("/helloworld.Greeter/SayGoodbye").Call([]byte("x"))
	if errors.As(err, &rpcErr) {
		fmt.Println(rpcErr.Code().Name(), rpcErr.Details())
	}
	// Output:
	// INVALID_ARGUMENT invalid argument name is required
	// UNIMPLEMENTED Method not found!
}

// WithCall returns the Call next to the response, for its metadata and
// status, as grpcio's with_call.
func ExampleUnaryUnaryMultiCallable_WithCall() {
	target, stop := exampleServer()
	defer stop()
	ch, _ := grpc.InsecureChannel(target)
	defer ch.Close()

	mc := grpc.NewUnaryUnary[[]byte, []byte](ch, "/helloworld.Greeter/SayHello")
	reply, call, err := mc.WithCall([]byte("Ada"), grpc.WithMetadata(grpc.Metadata{{"request-id", "42"}}))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(reply), call.Code().Name())
	// Output: Hello, Ada! OK
}

// Future starts the RPC and returns at once, as grpcio's future().
func ExampleUnaryUnaryMultiCallable_Future() {
	target, stop := exampleServer()
	defer stop()
	ch, _ := grpc.InsecureChannel(target)
	defer ch.Close()

	mc := grpc.NewUnaryUnary[[]byte, []byte](ch, "/helloworld.Greeter/SayHello")
	futures := []*grpc.Future[[]byte]{mc.Future([]byte("one")), mc.Future([]byte("two"))}
	for _, f := range futures {
		reply, err := f.Result(5 * time.Second)
		fmt.Println(string(reply), err)
	}
	// Output:
	// Hello, one! <nil>
	// Hello, two! <nil>
}

// StatusCode keeps grpcio's names and values.
func ExampleStatusCode() {
	fmt.Println(grpc.DeadlineExceeded.Name(), grpc.DeadlineExceeded.Value(), grpc.DeadlineExceeded)
	// Output: DEADLINE_EXCEEDED 4 deadline exceeded
}
