package grpc_test

import (
	"testing"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

const testService = "test.Test"

func method(name string) string { return "/" + testService + "/" + name }

// startServer starts a server with the given handlers of testService.
func startServer(t *testing.T, handlers map[string]*grpc.RPCMethodHandler, opts ...grpc.ServerOption) (*grpc.Server, string) {
	t.Helper()
	return grpctest.StartServer(t, testService, handlers, opts...)
}

// dial opens a channel closed at the end of the test.
func dial(t *testing.T, target string, opts ...grpc.ChannelOption) *grpc.Channel {
	t.Helper()
	return grpctest.Dial(t, target, opts...)
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
