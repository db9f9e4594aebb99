package grpc_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

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

func TestMetadataBothWays(t *testing.T) {
	var got grpc.Metadata
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Md": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			got = ctx.InvocationMetadata()
			if err := ctx.SendInitialMetadata(grpc.Metadata{{"initial-md-key", "initial-md-value"}, {"initial-md-key-bin", "\x00\x02"}}); err != nil {
				return nil, err
			}
			ctx.SetTrailingMetadata(grpc.Metadata{{"server-trailing-md-key", "server-trailing-md-value"}, {"server-trailing-md-key-bin", "\x00\x03"}})
			return req, nil
		}, nil, nil),
	})
	resp, call, err := ch.UnaryUnary(method("Md")).WithCall([]byte("x"), grpc.WithMetadata(grpc.Metadata{
		{"invocation-md-key", "invocation-md-value"},
		{"invocation-md-key-bin", "\x00\x01"},
		{"dup", "1"}, {"dup", "2"},
	}))
	require.NoError(t, err)
	assert.Equal(t, "x", string(resp.([]byte)))
	v, _ := got.Get("invocation-md-key")
	assert.Equal(t, "invocation-md-value", v)
	v, _ = got.Get("invocation-md-key-bin")
	assert.Equal(t, "\x00\x01", v)
	assert.Equal(t, []string{"1", "2"}, got.GetAll("dup"))
	ua, _ := got.Get("user-agent")
	assert.Contains(t, ua, "grpcio-go/")
	assert.Equal(t, grpc.Metadata{{"initial-md-key", "initial-md-value"}, {"initial-md-key-bin", "\x00\x02"}}, call.InitialMetadata())
	assert.Equal(t, grpc.Metadata{{"server-trailing-md-key", "server-trailing-md-value"}, {"server-trailing-md-key-bin", "\x00\x03"}}, call.TrailingMetadata())
}

func TestInvalidMetadataIsRefusedBeforeSending(t *testing.T) {
	calls := 0
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			calls++
			return req, nil
		}, nil, nil),
	})
	mc := ch.UnaryUnary(method("Echo"))
	for _, md := range []grpc.Metadata{{{"InVaLiD", "v"}}, {{"key", "caf\xc3\xa9"}}, {{"", "v"}}, {{":path", "v"}}} {
		_, err := mc.Call([]byte("x"), grpc.WithMetadata(md))
		var mdErr *grpc.InvalidMetadataError
		require.ErrorAs(t, err, &mdErr, "metadata %v", md)
		assert.True(t, strings.HasPrefix(err.Error(), "metadata was invalid: "), err.Error())
	}
	_, err := mc.Call([]byte("x"))
	require.NoError(t, err)
	assert.Equal(t, 1, calls)
}

func TestStatusFromHandler(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"SetCode": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			ctx.SetCode(grpc.NotFound)
			ctx.SetDetails("Test details!")
			ctx.SetTrailingMetadata(grpc.Metadata{{"k", "v"}})
			return req, nil
		}, nil, nil),
		"SetCodeThenFail": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			ctx.SetCode(grpc.NotFound)
			ctx.SetDetails("Test details!")
			return nil, errors.New("boom")
		}, nil, nil),
		"Abort": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			err := ctx.Abort(grpc.Internal, "Abandon ship!")
			return []byte("ignored"), err
		}, nil, nil),
		"AbortIgnored": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			_ = ctx.Abort(grpc.PermissionDenied, "no")
			return req, nil
		}, nil, nil),
		"AbortWithStatus": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.AbortWithStatus(grpc.Status{Code: grpc.Internal, Details: "Abandon ship!", TrailingMetadata: grpc.Metadata{{"a-trailing-metadata", "42"}}})
		}, nil, nil),
		"AbortInvalidCode": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.Abort(grpc.StatusCode(42), "Abandon ship!")
		}, nil, nil),
		"AbortOK": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.Abort(grpc.OK, "fine")
		}, nil, nil),
		"Error": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, errors.New("kaput")
		}, nil, nil),
		"Panic": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			panic("oh no")
		}, nil, nil),
		"NilPointer": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			var m map[string]int
			m["x"]++
			return nil, nil
		}, nil, nil),
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})
	call := func(name string) error {
		_, err := ch.UnaryUnary(method(name)).Call([]byte("req"))
		return err
	}
	e := assertStatus(t, call("SetCode"), grpc.NotFound, "Test details!")
	assert.Equal(t, grpc.Metadata{{"k", "v"}}, e.TrailingMetadata())
	assertStatus(t, call("SetCodeThenFail"), grpc.NotFound, "Test details!")
	assertStatus(t, call("Abort"), grpc.Internal, "Abandon ship!")
	assertStatus(t, call("AbortIgnored"), grpc.PermissionDenied, "no")
	e = assertStatus(t, call("AbortWithStatus"), grpc.Internal, "Abandon ship!")
	assert.Equal(t, grpc.Metadata{{"a-trailing-metadata", "42"}}, e.TrailingMetadata())
	assertStatus(t, call("AbortInvalidCode"), grpc.Unknown, "Abandon ship!")
	assertStatus(t, call("AbortOK"), grpc.Unknown, "")
	assertStatus(t, call("Error"), grpc.Unknown, "Exception calling application: kaput")
	assertStatus(t, call("Panic"), grpc.Unknown, "Exception calling application: oh no")
	assertStatus(t, call("NilPointer"), grpc.Unknown, "Exception calling application: assignment to entry in nil map")
	// The server keeps serving after all of that.
	require.NoError(t, call("Echo"))
}

func TestRpcErrorText(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Fail": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.Abort(grpc.NotFound, "gone")
		}, nil, nil),
	})
	_, err := ch.UnaryUnary(method("Fail")).Call([]byte("x"))
	e := assertStatus(t, err, grpc.NotFound, "gone")
	assert.True(t, strings.HasPrefix(err.Error(), "<_InactiveRpcError of RPC that terminated with:\n\tstatus = StatusCode.NOT_FOUND\n\tdetails = \"gone\"\n\tdebug_error_string = \""), err.Error())
	assert.Equal(t, "not found", e.Code().String())
	assert.Equal(t, 5, e.Code().Value())
}

func TestUnknownMethod(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})
	_, err := ch.UnaryUnary("/test.Test/NoSuchMethod").Call([]byte("abc"))
	assertStatus(t, err, grpc.Unimplemented, "Method not found!")
	_, err = ch.UnaryUnary("NoSuchMethod").Call([]byte("abc"))
	assertStatus(t, err, grpc.Unimplemented, "Method not found!")
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

func TestSerializationFailures(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
		"BadRequest": grpc.UnaryUnaryRPCMethodHandler(echo, func([]byte) ([]byte, error) {
			return nil, errors.New("bad bytes")
		}, nil),
		"BadResponse": grpc.UnaryUnaryRPCMethodHandler(echo, nil, func([]byte) ([]byte, error) {
			return nil, errors.New("cannot")
		}),
	})
	_, err := ch.UnaryUnary(method("Echo"), grpc.RequestSerializer(func(any) ([]byte, error) {
		return nil, errors.New("no")
	})).Call("x")
	assertStatus(t, err, grpc.Internal, "Exception serializing request!")
	_, err = ch.UnaryUnary(method("Echo"), grpc.ResponseDeserializer(func([]byte) (any, error) {
		return nil, errors.New("no")
	})).Call([]byte("x"))
	assertStatus(t, err, grpc.Internal, "Exception deserializing response!")
	_, err = ch.UnaryUnary(method("Echo")).Call(42)
	assertStatus(t, err, grpc.Internal, "Exception serializing request!")
	_, err = ch.UnaryUnary(method("BadRequest")).Call([]byte("x"))
	assertStatus(t, err, grpc.Internal, "Exception deserializing request!")
	_, err = ch.UnaryUnary(method("BadResponse")).Call([]byte("x"))
	assertStatus(t, err, grpc.Internal, "Failed to serialize response!")
	// Custom serializers round trip.
	resp, err := ch.UnaryUnary(method("Echo"),
		grpc.RequestSerializer(func(v any) ([]byte, error) { return []byte(v.(string)), nil }),
		grpc.ResponseDeserializer(func(b []byte) (any, error) { return strings.ToUpper(string(b)), nil }),
	).Call("shout")
	require.NoError(t, err)
	assert.Equal(t, "SHOUT", resp)
}

func TestFuture(t *testing.T) {
	release := make(chan struct{})
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
		"Wait": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			select {
			case <-release:
			case <-ctx.Done():
			}
			return req, nil
		}, nil, nil),
	})
	defer close(release)
	f := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo")).Future([]byte("fut"))
	resp, err := f.Result(-1)
	require.NoError(t, err)
	assert.Equal(t, "fut", string(resp))
	assert.True(t, f.Done())
	assert.False(t, f.Running())
	assert.False(t, f.Cancelled())
	assert.False(t, f.Cancel())
	assert.Equal(t, grpc.OK, f.Code())
	ran := false
	f.AddDoneCallback(func(*grpc.Future[[]byte]) { ran = true })
	assert.True(t, ran, "callback on a done future runs at once")

	w := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Wait")).Future([]byte("w"))
	_, err = w.Result(20 * time.Millisecond)
	assert.ErrorIs(t, err, grpc.FutureTimeoutError)
	assert.True(t, w.Running())
	cb := make(chan struct{})
	w.AddDoneCallback(func(*grpc.Future[[]byte]) { close(cb) })
	assert.True(t, w.Cancel())
	<-cb
	assert.True(t, w.Cancelled())
	assert.True(t, w.Done())
	_, err = w.Result(-1)
	assert.ErrorIs(t, err, grpc.FutureCancelledError)
	assert.Equal(t, grpc.Cancelled, w.Code())
	assert.Equal(t, "Locally cancelled by application!", w.Details())
}

func TestMaximumConcurrentRPCs(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 10)
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Block": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			entered <- struct{}{}
			<-release
			return req, nil
		}, nil, nil),
	}, grpc.MaximumConcurrentRPCs(2), grpc.MaxWorkers(4))
	mc := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Block"))
	f1, f2 := mc.Future([]byte("1")), mc.Future([]byte("2"))
	<-entered
	<-entered
	_, err := mc.Call([]byte("3"))
	assertStatus(t, err, grpc.ResourceExhausted, "Concurrent RPC limit exceeded!")
	_, err = ch.UnaryUnary("/test.Test/Unknown").Call([]byte("x"))
	assertStatus(t, err, grpc.Unimplemented, "Method not found!")
	close(release)
	for _, f := range []*grpc.Future[[]byte]{f1, f2} {
		_, err := f.Result(-1)
		require.NoError(t, err)
	}
	resp, err := mc.Call([]byte("4"))
	require.NoError(t, err)
	assert.Equal(t, "4", string(resp))
}

func TestCompressionRoundTrip(t *testing.T) {
	leakcheck.Check(t)
	algs := []grpc.Compression{grpc.NoCompression, grpc.Deflate, grpc.Gzip}
	payload := bytes.Repeat([]byte("compressible "), 1000)
	for _, server := range algs {
		_, target := startServer(t, map[string]*grpc.RPCMethodHandler{
			"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
			"Set": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
				ctx.SetCompression(grpc.Deflate)
				return req, nil
			}, nil, nil),
		}, grpc.WithCompression(server))
		for _, channel := range algs {
			ch := dial(t, target, grpc.WithCompression(channel))
			for _, call := range algs {
				for _, m := range []string{"Echo", "Set"} {
					resp, err := grpc.NewUnaryUnary[[]byte, []byte](ch, method(m)).Call(payload, grpc.WithCompression(call))
					require.NoError(t, err, "server %v channel %v call %v", server, channel, call)
					require.Equal(t, payload, resp)
				}
			}
		}
	}
}

// Every poll mode gives the same results: echo, statuses, deadline, and
// CANCELLED "Channel closed!" for a call in flight when the channel closes.
func TestPollModes(t *testing.T) {
	leakcheck.Check(t)
	entered := make(chan struct{}, 1)
	_, target := startServer(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
		"Fail": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.Abort(grpc.NotFound, "gone")
		}, nil, nil),
		"Block": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			entered <- struct{}{}
			<-ctx.Done()
			return nil, ctx.Err()
		}, nil, nil),
	})
	for _, mode := range []string{"leader_follower", "dedicated_poller", "per_call_pluck"} {
		t.Run(mode, func(t *testing.T) {
			ch, err := grpc.InsecureChannel(target, grpc.Options{{grpc.PollModeOption, mode}})
			require.NoError(t, err)
			defer ch.Close()
			var wg sync.WaitGroup
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					mc := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo"))
					for i := 0; i < 50; i++ {
						req := []byte(fmt.Sprintf("%s-%d-%d", mode, g, i))
						if resp, err := mc.Call(req); err != nil || !bytes.Equal(resp, req) {
							t.Errorf("%q %v", resp, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			_, err = ch.UnaryUnary(method("Fail")).Call([]byte("x"))
			assertStatus(t, err, grpc.NotFound, "gone")
			block := ch.UnaryUnary(method("Block"))
			_, err = block.Call([]byte("x"), grpc.Timeout(50*time.Millisecond))
			assertStatus(t, err, grpc.DeadlineExceeded, "Deadline Exceeded")
			<-entered
			errs := make(chan error, 1)
			go func() { _, err := block.Call([]byte("x")); errs <- err }()
			<-entered
			require.NoError(t, ch.Close())
			assertStatus(t, <-errs, grpc.Cancelled, "Channel closed!")
		})
	}
	_, err := grpc.InsecureChannel(target, grpc.Options{{grpc.PollModeOption, "spin"}})
	require.ErrorContains(t, err, "unknown value spin")
}
