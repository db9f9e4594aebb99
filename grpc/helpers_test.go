package grpc_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

const testService = "test.Test"

func method(name string) string { return "/" + testService + "/" + name }

// startServer starts a server on 127.0.0.1:0 with the given unary handlers
// of testService and stops it at the end of the test.
func startServer(t *testing.T, handlers map[string]*grpc.RPCMethodHandler, opts ...grpc.ServerOption) (*grpc.Server, string) {
	t.Helper()
	opts = append([]grpc.ServerOption{grpc.Handlers(grpc.MethodHandlersGenericHandler(testService, handlers))}, opts...)
	s, err := grpc.NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	port, err := s.AddInsecurePort("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-s.Stop(0):
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	return s, fmt.Sprintf("127.0.0.1:%d", port)
}

// dial opens a channel closed at the end of the test.
func dial(t *testing.T, target string, opts ...grpc.ChannelOption) *grpc.Channel {
	t.Helper()
	ch, err := grpc.InsecureChannel(target, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close() })
	return ch
}

// setup checks for leaks and starts a server and a channel to it.
func setup(t *testing.T, handlers map[string]*grpc.RPCMethodHandler, opts ...grpc.ServerOption) (*grpc.Server, *grpc.Channel) {
	t.Helper()
	leakcheck.Check(t)
	s, target := startServer(t, handlers, opts...)
	return s, dial(t, target)
}

func echo(req []byte, ctx *grpc.ServicerContext) ([]byte, error) { return req, nil }

// rpcError extracts the *grpc.RpcError from err or fails the test.
func rpcError(t *testing.T, err error) *grpc.RpcError {
	t.Helper()
	rpcErr, ok := err.(*grpc.RpcError)
	if !ok {
		t.Fatalf("want *grpc.RpcError, got %T: %v", err, err)
	}
	return rpcErr
}

func assertStatus(t *testing.T, err error, code grpc.StatusCode, details string) *grpc.RpcError {
	t.Helper()
	e := rpcError(t, err)
	if e.Code() != code || e.Details() != details {
		t.Fatalf("status = %v %q, want %v %q", e.Code().Name(), e.Details(), code.Name(), details)
	}
	return e
}
