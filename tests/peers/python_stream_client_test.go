package peers_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// pythonStreamCases are the cases of testdata/python_stream_client.py, all
// of which must print PASS.
var pythonStreamCases = []string{
	"unary_stream", "unary_stream_many", "unary_stream_empty", "unary_stream_error", "unary_stream_abort",
	"stream_unary", "stream_unary_with_call", "stream_unary_future", "stream_unary_empty", "stream_unary_bulk",
	"stream_stream_ping_pong", "stream_stream_bulk", "stream_stream_empty", "stream_stream_error",
	"cancel_unary_stream", "cancel_stream_stream", "deadline_unary_stream", "deadline_stream_stream",
}

// streamsServer is the grpcio-go service /peers.Streams/ that
// python_stream_client.py calls, with every streaming shape; it records
// what it received and how its endless streams ended.
type streamsServer struct {
	mu     sync.Mutex
	joined [][][]byte // the requests of each Join call
	echoed [][][]byte // the requests of each Echo call

	// ended receives, for each endless stream named by its first request,
	// the handler's ctx.Err() once the RPC ended.
	ended map[string]chan error
}

func newStreamsServer(names ...string) *streamsServer {
	s := &streamsServer{ended: make(map[string]chan error)}
	for _, n := range names {
		s.ended[n] = make(chan error, 1)
	}
	return s
}

// endless yields "0", "1", ... every few milliseconds until the RPC ends,
// then reports ctx.Err() under name.
func (s *streamsServer) endless(name string, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
	return func(yield func([]byte, error) bool) {
		defer func() {
			<-ctx.Done()
			if c, ok := s.ended[name]; ok {
				c <- ctx.Err()
			}
		}()
		for i := 0; ; i++ {
			if !yield([]byte(strconv.Itoa(i)), nil) {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}
}

// collectRequests reads every request, or fails with the iterator's error.
func collectRequests(reqs iter.Seq2[[]byte, error]) ([][]byte, error) {
	var out [][]byte
	for req, err := range reqs {
		if err != nil {
			return out, err
		}
		out = append(out, slices.Clone(req))
	}
	return out, nil
}

func (s *streamsServer) handlers() map[string]*grpc.RPCMethodHandler {
	return map[string]*grpc.RPCMethodHandler{
		// Repeat sends "<req>-<i>" for i below the invocation metadata's
		// repeat-count; its initial metadata echoes the x- keys, and its
		// trailers are count and count-bin.
		"Repeat": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			md := ctx.InvocationMetadata()
			v, _ := md.Get("repeat-count")
			n, err := strconv.Atoi(v)
			if err != nil {
				return func(yield func([]byte, error) bool) { yield(nil, fmt.Errorf("bad repeat-count %q", v)) }
			}
			var echo grpc.Metadata
			for _, m := range md {
				if strings.HasPrefix(m.Key, "x-") {
					echo = append(echo, m)
				}
			}
			if err := ctx.SendInitialMetadata(echo); err != nil {
				return func(yield func([]byte, error) bool) { yield(nil, err) }
			}
			ctx.SetTrailingMetadata(grpc.Metadata{
				{Key: "count", Value: strconv.Itoa(n)},
				{Key: "count-bin", Value: string([]byte{byte(n), 0x00, 0xff})},
			})
			return func(yield func([]byte, error) bool) {
				for i := range n {
					if !yield(fmt.Appendf(nil, "%s-%d", req, i), nil) {
						return
					}
				}
			}
		}, nil, nil),
		"FailAfter": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				_ = yield([]byte("one"), nil) && yield([]byte("two"), nil) && yield(nil, errors.New("boom after two"))
			}
		}, nil, nil),
		"AbortAfter": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				if yield([]byte("first"), nil) {
					yield(nil, ctx.Abort(grpc.ResourceExhausted, "enough for today"))
				}
			}
		}, nil, nil),
		// Join joins the requests with "+"; its trailers are count and
		// count-bin.
		"Join": grpc.StreamUnaryRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) ([]byte, error) {
			parts, err := collectRequests(reqs)
			if err != nil {
				return nil, err
			}
			s.mu.Lock()
			s.joined = append(s.joined, parts)
			s.mu.Unlock()
			ctx.SetTrailingMetadata(grpc.Metadata{
				{Key: "count", Value: strconv.Itoa(len(parts))},
				{Key: "count-bin", Value: string([]byte{byte(len(parts))})},
			})
			return bytes.Join(parts, []byte("+")), nil
		}, nil, nil),
		// Echo answers each request with "echo:<req>" as it arrives.
		"Echo": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				var got [][]byte
				defer func() {
					s.mu.Lock()
					s.echoed = append(s.echoed, got)
					s.mu.Unlock()
				}()
				for req, err := range reqs {
					if err != nil {
						yield(nil, err)
						return
					}
					got = append(got, slices.Clone(req))
					if !yield(append([]byte("echo:"), req...), nil) {
						return
					}
				}
			}
		}, nil, nil),
		// EchoThenFail echoes the requests, then fails once they end.
		"EchoThenFail": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				n := 0
				for req, err := range reqs {
					if err != nil {
						yield(nil, err)
						return
					}
					n++
					if !yield(append([]byte("echo:"), req...), nil) {
						return
					}
				}
				yield(nil, fmt.Errorf("failed after %d requests", n))
			}
		}, nil, nil),
		// Endless streams until the RPC ends; the request names it.
		"Endless": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return s.endless(string(req), ctx)
		}, nil, nil),
		// EndlessBidi reads one request, which names it, then streams until
		// the RPC ends without reading further.
		"EndlessBidi": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			var name string
			for req, err := range reqs {
				if err != nil {
					return func(yield func([]byte, error) bool) { yield(nil, err) }
				}
				name = string(req)
				break
			}
			return s.endless(name, ctx)
		}, nil, nil),
	}
}

// bulkRequests is python_stream_client.py's bulk_requests(): 100 messages
// of 0 to 64 KiB.
func bulkRequests() [][]byte {
	out := make([][]byte, 100)
	for i := range out {
		size := 0
		if i%10 != 0 {
			size = (i * 661) % (64*1024 + 1)
		}
		b := make([]byte, size)
		for j := range b {
			b[j] = byte(j*31 + i)
		}
		out[i] = b
	}
	return out
}

// TestPythonStreamingClient runs Python grpcio's client on every streaming
// shape (testdata/python_stream_client.py) against a grpcio-go server:
// every case must pass on the Python side, the server must have received
// exactly what the client sent, and its handlers must have seen the
// client's cancellations and deadlines end their RPCs.
func TestPythonStreamingClient(t *testing.T) {
	leakcheck.Check(t)
	python := requirePeer(t, pythonGRPCIO)
	srv := newStreamsServer("cancel", "cancel-bidi", "deadline", "deadline-bidi")
	target := startServer(t, "peers.Streams", srv.handlers())

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/python_stream_client.py", target)
	cmd.Env = append(cmd.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	out, err := cmd.CombinedOutput()
	t.Logf("python_stream_client.py %s:\n%s", target, out)
	require.NoError(t, err, "python_stream_client.py failed")

	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for _, c := range pythonStreamCases {
		assert.Contains(t, lines, "PASS "+c)
	}
	for _, l := range lines {
		assert.False(t, strings.HasPrefix(l, "FAIL "), "python: %s", l)
	}

	// What the server received.
	numbered := func(prefix string, n int) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			out[i] = fmt.Appendf(nil, "%s-%d", prefix, i)
		}
		return out
	}
	srv.mu.Lock()
	joined, echoed := srv.joined, srv.echoed
	srv.mu.Unlock()
	wantJoined := [][][]byte{
		numbered("part", 40),
		{[]byte("alpha"), {}, {0x00, 0xff}, []byte("omega")},
		numbered("fut", 7),
		nil,
		bulkRequests(),
	}
	assert.Equal(t, len(wantJoined), len(joined), "Join calls")
	for i, w := range wantJoined {
		assert.True(t, slices.ContainsFunc(joined, func(g [][]byte) bool {
			return slices.EqualFunc(g, w, bytes.Equal)
		}), "no Join call received the requests of call %d (%d requests)", i, len(w))
	}
	wantEchoed := [][][]byte{numbered("ping", 30), bulkRequests(), nil}
	assert.Equal(t, len(wantEchoed), len(echoed), "Echo calls")
	for i, w := range wantEchoed {
		assert.True(t, slices.ContainsFunc(echoed, func(g [][]byte) bool {
			return slices.EqualFunc(g, w, bytes.Equal)
		}), "no Echo call received the requests of call %d (%d requests)", i, len(w))
	}

	// Python's cancel() ended the handlers' RPCs as cancelled.
	assert.ErrorIs(t, receive(t, srv.ended["cancel"], "Endless (cancel) to end"), context.Canceled)
	assert.ErrorIs(t, receive(t, srv.ended["cancel-bidi"], "EndlessBidi (cancel) to end"), context.Canceled)
	// timeout=0.2 ended them at the deadline: the server's own deadline or
	// the client's cancellation at its (slightly earlier) deadline, a race.
	for _, name := range []string{"deadline", "deadline-bidi"} {
		err := receive(t, srv.ended[name], name+" to end")
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			t.Errorf("%s: ctx.Err() = %v, want DeadlineExceeded or Canceled", name, err)
		}
	}
}
