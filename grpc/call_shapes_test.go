package grpc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
)

// bytesSeq yields the given messages as a request stream.
func bytesSeq(msgs ...string) iter.Seq[[]byte] { return slices.Values(toBytes(msgs)) }

func numbered(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "msg-" + strconv.Itoa(i)
	}
	return out
}

// shapesServer serves every shape of testService.
func shapesServer(t *testing.T) *grpc.Channel {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		// Repeat sends the request n times, n being the request's length.
		"Repeat": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			if err := ctx.SendInitialMetadata(grpc.Metadata{{"shape", "unary-stream"}}); err != nil {
				t.Error(err)
			}
			ctx.SetTrailingMetadata(grpc.Metadata{{"count", strconv.Itoa(len(req))}})
			return func(yield func([]byte, error) bool) {
				for i := range len(req) {
					if !yield([]byte(fmt.Sprintf("%s-%d", req, i)), nil) {
						return
					}
				}
			}
		}, nil, nil),
		// Join concatenates the requests with "+".
		"Join": grpc.StreamUnaryRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) ([]byte, error) {
			var parts [][]byte
			for req, err := range reqs {
				if err != nil {
					return nil, err
				}
				parts = append(parts, req)
			}
			ctx.SetTrailingMetadata(grpc.Metadata{{"count", strconv.Itoa(len(parts))}})
			return bytes.Join(parts, []byte("+")), nil
		}, nil, nil),
		// Echo answers each request as it arrives.
		"Echo": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				for req, err := range reqs {
					if err != nil {
						yield(nil, err)
						return
					}
					if !yield(append([]byte("echo:"), req...), nil) {
						return
					}
				}
			}
		}, nil, nil),
		// FailAfter sends two responses then fails.
		"FailAfter": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				_ = yield([]byte("one"), nil) && yield([]byte("two"), nil) && yield(nil, errors.New("boom"))
			}
		}, nil, nil),
		// PanicAfter sends one response then panics.
		"PanicAfter": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				if yield([]byte("one"), nil) {
					panic("iterator exploded")
				}
			}
		}, nil, nil),
		// AbortMidStream aborts from inside the response iterator.
		"AbortMidStream": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				if yield([]byte("one"), nil) {
					yield(nil, ctx.Abort(grpc.ResourceExhausted, "enough"))
				}
			}
		}, nil, nil),
		// PanicBefore panics before returning an iterator.
		"PanicBefore": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			panic("no iterator for you")
		}, nil, nil),
		// Forever streams until the RPC ends.
		"Forever": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				for i := 0; ctx.IsActive(); i++ {
					if !yield([]byte(strconv.Itoa(i)), nil) {
						return
					}
					time.Sleep(time.Millisecond)
				}
			}
		}, nil, nil),
		// BadRequests deserializes requests as numbers.
		"BadRequests": grpc.StreamUnaryRPCMethodHandler(func(reqs iter.Seq2[int, error], ctx *grpc.ServicerContext) ([]byte, error) {
			sum := 0
			for n, err := range reqs {
				if err != nil {
					return nil, err
				}
				sum += n
			}
			return []byte(strconv.Itoa(sum)), nil
		}, func(b []byte) (int, error) { return strconv.Atoi(string(b)) }, nil),
	})
	return ch
}

func collect(t *testing.T, it *grpc.ResponseIterator[[]byte]) ([]string, error) {
	t.Helper()
	var got []string
	for {
		resp, err := it.Next()
		if err != nil {
			return got, err
		}
		got = append(got, string(resp))
	}
}

func TestUnaryStream(t *testing.T) {
	ch := shapesServer(t)
	it, err := grpc.NewUnaryStream[[]byte, []byte](ch, method("Repeat")).Call([]byte("abc"))
	require.NoError(t, err)
	got, err := collect(t, it)
	assert.ErrorIs(t, err, io.EOF)
	assert.Equal(t, []string{"abc-0", "abc-1", "abc-2"}, got)
	_, err = it.Next()
	assert.ErrorIs(t, err, io.EOF, "Next after the end keeps returning io.EOF")
	assert.Equal(t, grpc.OK, it.Code())
	assert.Equal(t, grpc.Metadata{{"shape", "unary-stream"}}, it.InitialMetadata())
	assert.Equal(t, grpc.Metadata{{"count", "3"}}, it.TrailingMetadata())
	assert.False(t, it.IsActive())
	assert.False(t, it.Cancel())

	// All, and an empty stream.
	var all []string
	untyped, err := ch.UnaryStream(method("Repeat")).Call([]byte("xy"))
	require.NoError(t, err)
	for resp, err := range untyped.All() {
		require.NoError(t, err)
		all = append(all, string(resp.([]byte)))
	}
	assert.Equal(t, []string{"xy-0", "xy-1"}, all)
	it2, err := grpc.NewUnaryStream[[]byte, []byte](ch, method("Repeat")).Call([]byte{})
	require.NoError(t, err)
	got, err = collect(t, it2)
	assert.ErrorIs(t, err, io.EOF)
	assert.Empty(t, got)

	// Many messages.
	it2, err = grpc.NewUnaryStream[[]byte, []byte](ch, method("Repeat")).Call(bytes.Repeat([]byte("z"), 2000))
	require.NoError(t, err)
	got, err = collect(t, it2)
	assert.ErrorIs(t, err, io.EOF)
	require.Len(t, got, 2000)
	assert.Equal(t, strings2000(), got[1999])
}

func strings2000() string { return string(bytes.Repeat([]byte("z"), 2000)) + "-1999" }

func TestStreamUnary(t *testing.T) {
	ch := shapesServer(t)
	mc := grpc.NewStreamUnary[[]byte, []byte](ch, method("Join"))
	resp, call, err := mc.WithCall(bytesSeq("a", "b", "c"))
	require.NoError(t, err)
	assert.Equal(t, "a+b+c", string(resp))
	assert.Equal(t, grpc.Metadata{{"count", "3"}}, call.TrailingMetadata())
	resp, err = mc.Call(bytesSeq())
	require.NoError(t, err)
	assert.Equal(t, "", string(resp))
	resp, err = mc.Call(nil)
	require.NoError(t, err)
	assert.Equal(t, "", string(resp))
	many := numbered(500)
	resp, err = mc.Future(bytesSeq(many...)).Result(-1)
	require.NoError(t, err)
	assert.Equal(t, bytes.Join(toBytes(many), []byte("+")), resp)
	resp2, err := ch.StreamUnary(method("Join")).Call(func(yield func(any) bool) {
		_ = yield([]byte("x")) && yield([]byte("y"))
	})
	require.NoError(t, err)
	assert.Equal(t, "x+y", string(resp2.([]byte)))
}

func toBytes(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func TestStreamStream(t *testing.T) {
	ch := shapesServer(t)
	mc := grpc.NewStreamStream[[]byte, []byte](ch, method("Echo"))
	it, err := mc.Call(bytesSeq(numbered(100)...))
	require.NoError(t, err)
	got, err := collect(t, it)
	assert.ErrorIs(t, err, io.EOF)
	want := make([]string, 100)
	for i, m := range numbered(100) {
		want[i] = "echo:" + m
	}
	assert.Equal(t, want, got)

	// Ping-pong: each request is sent only after the previous response came
	// back, so the two directions really interleave.
	next := make(chan []byte)
	reqs := func(yield func([]byte) bool) {
		for m := range next {
			if !yield(m) {
				return
			}
		}
	}
	it, err = mc.Call(reqs)
	require.NoError(t, err)
	for i := range 20 {
		next <- []byte(strconv.Itoa(i))
		resp, err := it.Next()
		require.NoError(t, err)
		assert.Equal(t, "echo:"+strconv.Itoa(i), string(resp))
	}
	close(next)
	_, err = it.Next()
	assert.ErrorIs(t, err, io.EOF)

	// No requests, no responses.
	it, err = mc.Call(bytesSeq())
	require.NoError(t, err)
	got, err = collect(t, it)
	assert.ErrorIs(t, err, io.EOF)
	assert.Empty(t, got)
}

func TestStreamingCancelAndDeadline(t *testing.T) {
	ch := shapesServer(t)
	mc := grpc.NewUnaryStream[[]byte, []byte](ch, method("Forever"))
	it, err := mc.Call([]byte("x"))
	require.NoError(t, err)
	for range 3 {
		_, err := it.Next()
		require.NoError(t, err)
	}
	assert.True(t, it.IsActive())
	ended := make(chan struct{})
	assert.True(t, it.AddCallback(func() { close(ended) }))
	assert.True(t, it.Cancel())
	var last error
	for {
		if _, last = it.Next(); last != nil {
			break
		}
	}
	assertStatus(t, last, grpc.Cancelled, "Locally cancelled by application!")
	<-ended
	assert.False(t, it.IsActive())
	assert.False(t, it.AddCallback(func() {}))

	start := time.Now()
	it, err = mc.Call([]byte("x"), grpc.Timeout(100*time.Millisecond))
	require.NoError(t, err)
	assert.True(t, it.TimeRemaining() <= 100*time.Millisecond && it.TimeRemaining() > 0)
	n := 0
	for {
		if _, last = it.Next(); last != nil {
			break
		}
		n++
	}
	assertStatus(t, last, grpc.DeadlineExceeded, "Deadline Exceeded")
	assert.Greater(t, n, 0)
	assert.GreaterOrEqual(t, time.Since(start), 90*time.Millisecond)

	// A request stream that never ends, cut by the deadline.
	forever := func(yield func([]byte) bool) {
		for yield([]byte("again")) {
		}
	}
	_, err = grpc.NewStreamUnary[[]byte, []byte](ch, method("Join")).Call(forever, grpc.Timeout(100*time.Millisecond))
	assertStatus(t, err, grpc.DeadlineExceeded, "Deadline Exceeded")
}

func TestStreamingConcurrentCalls(t *testing.T) {
	ch := shapesServer(t)
	mc := grpc.NewStreamStream[[]byte, []byte](ch, method("Echo"))
	errs := make(chan error, 16)
	for g := range 16 {
		go func() {
			msgs := numbered(50)
			it, err := mc.Call(bytesSeq(msgs...))
			if err != nil {
				errs <- err
				return
			}
			got, err := collect(t, it)
			if !errors.Is(err, io.EOF) {
				errs <- err
				return
			}
			for i := range got {
				got[i] = got[i][len("echo:"):]
			}
			if !slices.Equal(got, msgs) {
				errs <- fmt.Errorf("goroutine %d: got %v", g, got)
				return
			}
			errs <- nil
		}()
	}
	for range 16 {
		require.NoError(t, <-errs)
	}
}

func TestUnaryRoundTrip(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})
	mc := ch.UnaryUnary(method("Echo"))
	for _, req := range [][]byte{[]byte("hello"), {}, bytes.Repeat([]byte{0, 1, 2, 255}, 300000)} {
		resp, err := mc.Call(req)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(req, resp.([]byte)), "echo of %d bytes differs", len(req))
	}
	typed := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo"))
	resp, call, err := typed.WithCall([]byte("typed"))
	require.NoError(t, err)
	assert.Equal(t, "typed", string(resp))
	assert.Equal(t, grpc.OK, call.Code())
	assert.Equal(t, "", call.Details())
	assert.False(t, call.IsActive())
}

func TestUnaryConcurrent(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	}, grpc.MaxWorkers(4))
	mc := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo"))
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				req := []byte(fmt.Sprintf("g%d-i%d", g, i))
				resp, err := mc.Call(req)
				if err != nil || !bytes.Equal(resp, req) {
					t.Errorf("call %s: %q %v", req, resp, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestDeadlineExceeded(t *testing.T) {
	type seen struct {
		err       error
		remaining time.Duration
		hadDL     bool
		waited    time.Duration
	}
	server := make(chan seen, 1)
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Sleep": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			start := time.Now()
			remaining := ctx.TimeRemaining()
			_, hadDL := ctx.Deadline()
			<-ctx.Done()
			server <- seen{ctx.Err(), remaining, hadDL, time.Since(start)}
			return req, nil
		}, nil, nil),
	})
	mc := ch.UnaryUnary(method("Sleep"))
	start := time.Now()
	_, err := mc.Call([]byte("x"), grpc.Timeout(200*time.Millisecond))
	assertStatus(t, err, grpc.DeadlineExceeded, "Deadline Exceeded")
	assert.GreaterOrEqual(t, time.Since(start), 190*time.Millisecond)
	s := <-server
	// The client's deadline fires a hair before the server's (the server's is
	// later by the one-way latency and the rounding up of grpc-timeout), so
	// the server usually learns of the end as the client's cancellation:
	// Canceled, as in grpc-go; DeadlineExceeded when its own timer won.
	assert.True(t, errors.Is(s.err, context.DeadlineExceeded) || errors.Is(s.err, context.Canceled), "server ctx.Err() = %v", s.err)
	assert.GreaterOrEqual(t, s.waited, 150*time.Millisecond, "the server's context ended before the deadline")
	assert.True(t, s.hadDL)
	// C-core rounds the grpc-timeout header up, so the server may see a little more.
	assert.True(t, s.remaining > 0 && s.remaining <= 210*time.Millisecond, "remaining %v", s.remaining)

	// A context deadline works the same way.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = mc.Call([]byte("x"), grpc.WithContext(ctx))
	assertStatus(t, err, grpc.DeadlineExceeded, "Deadline Exceeded")
	<-server

	// So does a future.
	f := mc.Future([]byte("x"), grpc.Timeout(50*time.Millisecond))
	assertStatus(t, f.Exception(-1), grpc.DeadlineExceeded, "Deadline Exceeded")
	assert.Equal(t, grpc.DeadlineExceeded, f.Code())
	<-server
}

func TestContextCancel(t *testing.T) {
	started := make(chan struct{})
	serverErr := make(chan error, 1)
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Block": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			close(started)
			<-ctx.Done()
			serverErr <- ctx.Err()
			return req, nil
		}, nil, nil),
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := ch.UnaryUnary(method("Block")).Call([]byte("x"), grpc.WithContext(ctx))
	assertStatus(t, err, grpc.Cancelled, "Locally cancelled by application!")
	assert.ErrorIs(t, <-serverErr, context.Canceled)
}
