package peers_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// pythonCases are the cases of testdata/python_client.py, all of which
// must print PASS.
var pythonCases = []string{
	"echo_empty", "echo_small", "echo_1mib", "metadata", "set_code", "abort", "error",
	"panic", "unknown_method", "deadline", "future_cancel", "burst",
}

// pythonServer is the grpcio-go service that python_client.py calls; it
// records what the client sent.
type pythonServer struct {
	mu         sync.Mutex
	echoed     [][]byte
	metadata   grpc.Metadata
	errorCalls int
	panicCalls int

	sleepEnded   chan sleepSeen // what Sleep's handler saw
	blockStarted chan struct{}  // Block's handler is running
	blockEnded   chan error     // ctx.Err() once Block's RPC ended
}

// sleepSeen is what Sleep's handler saw of the client's deadline.
type sleepSeen struct {
	hasDeadline bool
	remaining   time.Duration // at the start of the handler
	err         error         // ctx.Err() once the RPC ended
}

func newPythonServer() *pythonServer {
	return &pythonServer{
		sleepEnded:   make(chan sleepSeen, 1),
		blockStarted: make(chan struct{}, 1),
		blockEnded:   make(chan error, 1),
	}
}

func (s *pythonServer) handlers() map[string]*grpc.RPCMethodHandler {
	unary := func(f func([]byte, *grpc.ServicerContext) ([]byte, error)) *grpc.RPCMethodHandler {
		return grpc.UnaryUnaryRPCMethodHandler(f, nil, nil)
	}
	return map[string]*grpc.RPCMethodHandler{
		"Echo": unary(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			s.mu.Lock()
			s.echoed = append(s.echoed, slices.Clone(req))
			s.mu.Unlock()
			return req, nil
		}),
		"Metadata": unary(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			md := slices.Clone(ctx.InvocationMetadata())
			s.mu.Lock()
			s.metadata = md
			s.mu.Unlock()
			var echo grpc.Metadata
			for _, m := range md {
				if strings.HasPrefix(m.Key, "invocation-md-") {
					echo = append(echo, m)
				}
			}
			if err := ctx.SendInitialMetadata(echo); err != nil {
				return nil, err
			}
			ctx.SetTrailingMetadata(grpc.Metadata{
				{Key: "server-trailing-md-key", Value: "server-trailing-md-value"},
				{Key: "server-trailing-md-key-bin", Value: "\x00\x03"},
			})
			return req, nil
		}),
		"SetCode": unary(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			ctx.SetCode(grpc.NotFound)
			ctx.SetDetails("Test details!")
			return req, nil
		}),
		"Abort": unary(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.Abort(grpc.Internal, "Abandon ship!")
		}),
		"Error": unary(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			s.mu.Lock()
			s.errorCalls++
			s.mu.Unlock()
			return nil, errors.New("kaput")
		}),
		"Panic": unary(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			s.mu.Lock()
			s.panicCalls++
			s.mu.Unlock()
			panic("overboard")
		}),
		"Sleep": unary(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			_, hasDeadline := ctx.Deadline()
			remaining := ctx.TimeRemaining()
			<-ctx.Done()
			s.sleepEnded <- sleepSeen{hasDeadline, remaining, ctx.Err()}
			return req, nil
		}),
		"Block": unary(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			s.blockStarted <- struct{}{}
			<-ctx.Done()
			s.blockEnded <- ctx.Err()
			return req, nil
		}),
		// BlockStarted returns once Block's handler runs. grpcio's unary
		// future receives initial metadata only with the status, so the
		// client cannot learn this from Block itself.
		"BlockStarted": unary(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			select {
			case <-s.blockStarted:
				return req, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}),
	}
}

// TestPythonClient runs Python grpcio's client (testdata/python_client.py)
// against a grpcio-go server: every case must pass on the Python side, and
// the server must have received exactly what the client sent.
func TestPythonClient(t *testing.T) {
	leakcheck.Check(t)
	python := requirePeer(t, pythonGRPCIO)
	srv := newPythonServer()
	target := startServer(t, "peers.Peers", srv.handlers())

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/python_client.py", target)
	cmd.Env = append(cmd.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	t.Logf("python_client.py %s:\n%s", target, out)
	require.NoError(t, err, "python_client.py failed")

	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, c := range pythonCases {
		assert.Contains(t, lines, "PASS "+c)
	}
	for _, l := range lines {
		assert.False(t, strings.HasPrefix(l, "FAIL "), "python: %s", l)
	}

	// What the server saw of the Python client.
	srv.mu.Lock()
	md, echoed, errorCalls, panicCalls := srv.metadata, srv.echoed, srv.errorCalls, srv.panicCalls
	srv.mu.Unlock()
	v, ok := md.Get("invocation-md-key")
	assert.True(t, ok, "invocation-md-key missing from %v", md)
	assert.Equal(t, "invocation-md-value", v)
	v, ok = md.Get("invocation-md-key-bin")
	assert.True(t, ok, "invocation-md-key-bin missing from %v", md)
	assert.Equal(t, []byte{0x00, 0x01}, []byte(v))
	ua, _ := md.Get("user-agent")
	assert.Contains(t, ua, "grpc-python")

	want := [][]byte{{}, []byte("hello"), bigPayload()}
	for i := range 50 {
		want = append(want, fmt.Appendf(nil, "burst-%d", i))
	}
	assert.Len(t, echoed, len(want), "Echo calls")
	for _, w := range want {
		n := 0
		for _, e := range echoed {
			if bytes.Equal(e, w) {
				n++
			}
		}
		assert.Equal(t, 1, n, "Echo received a payload of %d bytes (%.20q) %d times", len(w), w, n)
	}
	assert.Equal(t, 1, errorCalls, "Error calls")
	assert.Equal(t, 1, panicCalls, "Panic calls")
	// Python's timeout=0.2 reached the server as its deadline. Whether the
	// server's own deadline or the client's cancellation (sent when the
	// client's deadline passed, a little earlier) ends the RPC there is a
	// race, so both Err values are right.
	sleep := receive(t, srv.sleepEnded, "Sleep to end")
	assert.True(t, sleep.hasDeadline, "Sleep had no deadline")
	assert.True(t, sleep.remaining > 0 && sleep.remaining <= 250*time.Millisecond,
		"Sleep's time remaining at the start: %v, want about 200ms", sleep.remaining)
	if !errors.Is(sleep.err, context.DeadlineExceeded) && !errors.Is(sleep.err, context.Canceled) {
		t.Errorf("Sleep's ctx.Err() = %v, want DeadlineExceeded or Canceled", sleep.err)
	}
	assert.ErrorIs(t, receive(t, srv.blockEnded, "Block to end"), context.Canceled)
}
