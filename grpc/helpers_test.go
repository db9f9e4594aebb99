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

// rpcError extracts the *grpc.RpcError from err or fails the test. Unlike
// grpctest.RpcError it does not look into a chain of wrapped errors: the
// package's own errors must be the *grpc.RpcError itself, as grpcio's
// exceptions are.
func rpcError(t *testing.T, err error) *grpc.RpcError {
	t.Helper()
	rpcErr, ok := err.(*grpc.RpcError)
	if !ok {
		t.Fatalf("want *grpc.RpcError, got %T: %v", err, err)
	}
	return rpcErr
}

// assertStatus checks that err is a *grpc.RpcError itself (see rpcError)
// with code and details, and returns it.
func assertStatus(t *testing.T, err error, code grpc.StatusCode, details string) *grpc.RpcError {
	t.Helper()
	return grpctest.AssertStatus(t, rpcError(t, err), code, details)
}
