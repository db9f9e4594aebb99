// Package grpctest has the helpers tests share: a grpcio-go server on a free
// loopback port and a channel, both released at the end of the test;
// status checks on an RPC's error; and, for the tests that run programs,
// building and running them, starting a server program and checking it
// stops cleanly, and Debian's Python grpcio.
package grpctest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/grpcio-go/grpcio/grpc"
)

// StartServer starts a server on 127.0.0.1:0 serving handlers as service,
// stops it at the end of the test, and returns it with its target.
func StartServer(t testing.TB, service string, handlers map[string]*grpc.RPCMethodHandler, opts ...grpc.ServerOption) (*grpc.Server, string) {
	t.Helper()
	opts = append([]grpc.ServerOption{grpc.Handlers(grpc.MethodHandlersGenericHandler(service, handlers))}, opts...)
	return serve(t, nil, opts...)
}

// ServeAndDial starts a server on 127.0.0.1:0 with opts, after register (as
// a generated AddXServicerToServer) has added its services, and returns a
// channel to it. At the end of the test the channel is closed and then the
// server stopped.
func ServeAndDial(t testing.TB, register func(*grpc.Server), opts ...grpc.ServerOption) *grpc.Channel {
	t.Helper()
	_, target := serve(t, register, opts...)
	return Dial(t, target)
}

// serve starts a server on 127.0.0.1:0 with opts and, if register is not
// nil, what it adds; the server is stopped at the end of the test, within
// 10 seconds or the test fails.
func serve(t testing.TB, register func(*grpc.Server), opts ...grpc.ServerOption) (*grpc.Server, string) {
	t.Helper()
	s, err := grpc.NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if register != nil {
		register(s)
	}
	t.Cleanup(func() {
		select {
		case <-s.Stop(0):
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	port, err := s.AddInsecurePort("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s, fmt.Sprintf("127.0.0.1:%d", port)
}

// Dial opens a channel to target, closed at the end of the test.
func Dial(t testing.TB, target string, opts ...grpc.ChannelOption) *grpc.Channel {
	t.Helper()
	ch, err := grpc.InsecureChannel(target, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close() })
	return ch
}

// RpcError returns the *grpc.RpcError in err's chain (errors.As), or fails
// the test at once.
func RpcError(t testing.TB, err error) *grpc.RpcError {
	t.Helper()
	var e *grpc.RpcError
	if !errors.As(err, &e) {
		t.Fatalf("want *grpc.RpcError, got %T: %v", err, err)
	}
	return e
}

// AssertStatus fails the test at once unless err is (or wraps) a
// *grpc.RpcError with exactly code and details, and returns that error.
func AssertStatus(t testing.TB, err error, code grpc.StatusCode, details string) *grpc.RpcError {
	t.Helper()
	e := RpcError(t, err)
	if e.Code() != code || e.Details() != details {
		t.Fatalf("status = %s %q, want %s %q", e.Code().Name(), e.Details(), code.Name(), details)
	}
	return e
}
