// Package grpctest has the helpers tests share: a grpcio-go server on a free
// loopback port and a channel, both released at the end of the test.
package grpctest

import (
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
