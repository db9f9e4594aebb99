package grpc_test

import (
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// Ports of grpcio's _channel_connectivity_test.py and
// _channel_ready_future_test.py, plus Go-side checks (panicking callbacks,
// Close with subscribers, subscribing after Close).

const (
	// shortTimeout is how long a test waits to see that something does
	// not happen (grpcio's test_constants.SHORT_TIMEOUT, shortened).
	shortTimeout = 300 * time.Millisecond
	// longTimeout bounds waits for something that must happen.
	longTimeout = 10 * time.Second
)

// recorder records the states a subscription callback receives
// (grpcio's _Callback).
type recorder struct {
	mu      sync.Mutex
	states  []grpc.ChannelConnectivity
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{}, 1)} }

func (r *recorder) update(c grpc.ChannelConnectivity) {
	r.mu.Lock()
	r.states = append(r.states, c)
	r.mu.Unlock()
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

func (r *recorder) get() []grpc.ChannelConnectivity {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.states)
}

// waitFor blocks until the states satisfy pred (grpcio's
// block_until_connectivities_satisfy) and returns them.
func (r *recorder) waitFor(t *testing.T, pred func([]grpc.ChannelConnectivity) bool) []grpc.ChannelConnectivity {
	t.Helper()
	deadline := time.After(longTimeout)
	for {
		if s := r.get(); pred(s) {
			return s
		}
		select {
		case <-r.changed:
		case <-deadline:
			t.Fatalf("connectivity states never satisfied the condition; got %v", r.get())
		}
	}
}

func count(n int) func([]grpc.ChannelConnectivity) bool {
	return func(s []grpc.ChannelConnectivity) bool { return len(s) >= n }
}

func contains(c grpc.ChannelConnectivity) func([]grpc.ChannelConnectivity) bool {
	return func(s []grpc.ChannelConnectivity) bool { return slices.Contains(s, c) }
}

// C-core's watch reports that the state changed, not to what; the watcher
// then reads the state, which on loopback may already have moved from
// CONNECTING to READY (or TRANSIENT_FAILURE). So a subscription sees a
// connection attempt as one of exactly these sequences.
var (
	connected     = []grpc.ChannelConnectivity{grpc.Idle, grpc.Connecting, grpc.Ready}
	connectedFast = []grpc.ChannelConnectivity{grpc.Idle, grpc.Ready}
)

// assertOneOf asserts that got equals one of want.
func assertOneOf(t *testing.T, got []grpc.ChannelConnectivity, want ...[]grpc.ChannelConnectivity) {
	t.Helper()
	for _, w := range want {
		if slices.Equal(got, w) {
			return
		}
	}
	t.Errorf("connectivity states %v, want one of %v", got, want)
}

// unusedTarget is a loopback address nobody listens on.
func unusedTarget(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestChannelConnectivityLonely(t *testing.T) {
	leakcheck.Check(t)
	ch := dial(t, unusedTarget(t))
	rec := newRecorder()

	first := ch.Subscribe(rec.update, false)
	assert.Equal(t, []grpc.ChannelConnectivity{grpc.Idle}, rec.waitFor(t, count(1)))
	time.Sleep(shortTimeout) // without tryToConnect the channel stays idle
	assert.Equal(t, []grpc.ChannelConnectivity{grpc.Idle}, rec.get())

	// The same callback subscribed again is a second subscription: it gets
	// the current state, then both get every change.
	second := ch.Subscribe(rec.update, true)
	want := rec.waitFor(t, func(s []grpc.ChannelConnectivity) bool {
		return len(s) >= 4 && slices.Equal(s[len(s)-2:], []grpc.ChannelConnectivity{grpc.TransientFailure, grpc.TransientFailure})
	})
	assertOneOf(t, want, []grpc.ChannelConnectivity{
		grpc.Idle, grpc.Idle,
		grpc.Connecting, grpc.Connecting,
		grpc.TransientFailure, grpc.TransientFailure,
	}, []grpc.ChannelConnectivity{
		grpc.Idle, grpc.Idle,
		grpc.TransientFailure, grpc.TransientFailure,
	})
	time.Sleep(shortTimeout) // wait for a connection that will never happen
	assert.Equal(t, want, rec.get())

	ch.Unsubscribe(first)
	ch.Unsubscribe(second)
	ch.Unsubscribe(second) // twice: nothing happens
	time.Sleep(shortTimeout)
	assert.Equal(t, want, rec.get())
	require.NoError(t, ch.Close())
	assert.Equal(t, want, rec.get())
}

func TestChannelConnectivityImmediatelyConnectable(t *testing.T) {
	leakcheck.Check(t)
	handlerRan := make(chan struct{}, 1)
	_, target := startServer(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			handlerRan <- struct{}{}
			return req, nil
		}, nil, nil),
	})
	ch := dial(t, target)
	firstRec, secondRec := newRecorder(), newRecorder()

	ch.Subscribe(firstRec.update, false)
	assert.Equal(t, []grpc.ChannelConnectivity{grpc.Idle}, firstRec.waitFor(t, count(1)))
	// No connection without tryToConnect.
	time.Sleep(shortTimeout)
	assert.Equal(t, []grpc.ChannelConnectivity{grpc.Idle}, firstRec.get())

	ch.Subscribe(secondRec.update, true)
	want := firstRec.waitFor(t, contains(grpc.Ready))
	assertOneOf(t, want, connected, connectedFast)
	assert.Equal(t, want, secondRec.waitFor(t, contains(grpc.Ready)))
	require.NoError(t, ch.Close())
	assert.Equal(t, want, firstRec.get())
	assert.Equal(t, want, secondRec.get())
	assert.Len(t, handlerRan, 0, "connecting runs no handler")
}

func TestChannelConnectivityReachableThenUnreachable(t *testing.T) {
	leakcheck.Check(t)
	s, target := startServer(t, nil)
	ch := dial(t, target)
	rec := newRecorder()

	sub := ch.Subscribe(rec.update, true)
	ready := rec.waitFor(t, contains(grpc.Ready))
	assertOneOf(t, ready, connected, connectedFast)
	// Take the server down: the channel's readiness is repudiated (C-core
	// 1.51 goes back to IDLE when the server goes away).
	<-s.Stop(-1)
	got := rec.waitFor(t, func(s []grpc.ChannelConnectivity) bool { return s[len(s)-1] != grpc.Ready })
	assert.Equal(t, append(ready, grpc.Idle), got)
	ch.Unsubscribe(sub)
	require.NoError(t, ch.Close())
}

func TestChannelConnectivityUnsubscribe(t *testing.T) {
	_, ch := setup(t, nil)
	gone, stays := newRecorder(), newRecorder()

	sub := ch.Subscribe(gone.update, false)
	assert.Equal(t, []grpc.ChannelConnectivity{grpc.Idle}, gone.waitFor(t, count(1)))
	ch.Unsubscribe(sub)

	ch.Subscribe(stays.update, true)
	assertOneOf(t, stays.waitFor(t, contains(grpc.Ready)), connected, connectedFast)
	assert.Equal(t, []grpc.ChannelConnectivity{grpc.Idle}, gone.get(), "no callback after Unsubscribe")
	ch.Unsubscribe(nil) // harmless
}

func TestChannelConnectivityPanickingCallback(t *testing.T) {
	_, ch := setup(t, nil)
	var logs grpctest.LockedBuffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})))
	t.Cleanup(func() { slog.SetDefault(prev) })

	// other subscribes first, so that both start from IDLE.
	other, panicking := newRecorder(), newRecorder()
	ch.Subscribe(other.update, false)
	ch.Subscribe(func(c grpc.ChannelConnectivity) {
		panicking.update(c)
		panic("boom " + c.String())
	}, true)

	want := panicking.waitFor(t, contains(grpc.Ready))
	assertOneOf(t, want, connected, connectedFast)
	assert.Equal(t, want, other.waitFor(t, contains(grpc.Ready)))
	require.NoError(t, ch.Close())
	var wantLogs, gotLogs string
	for _, c := range want {
		wantLogs += "level=ERROR msg=\"Exception calling channel subscription callback!\" panic=\"boom " + c.String() + "\"\n"
	}
	// The default logger is process-wide: keep only this test's lines.
	for _, line := range strings.SplitAfter(logs.String(), "\n") {
		if strings.Contains(line, "subscription callback") {
			gotLogs += line
		}
	}
	assert.Equal(t, wantLogs, gotLogs)
}

func TestChannelConnectivityCloseWithSubscribers(t *testing.T) {
	_, ch := setup(t, nil)
	rec := newRecorder()
	ch.Subscribe(rec.update, true)
	want := rec.waitFor(t, contains(grpc.Ready))
	assertOneOf(t, want, connected, connectedFast)

	start := time.Now()
	require.NoError(t, ch.Close())
	// Destroying the C channel ends the pending watch at once; the watch's
	// 1 s deadline is the bound where it would not.
	assert.Less(t, time.Since(start), 500*time.Millisecond)
	time.Sleep(shortTimeout)
	assert.Equal(t, want, rec.get(), "no delivery after Close")

	// A subscription to a closed channel gets Shutdown, once.
	late := newRecorder()
	sub := ch.Subscribe(late.update, true)
	assert.Equal(t, []grpc.ChannelConnectivity{grpc.Shutdown}, late.waitFor(t, count(1)))
	ch.Unsubscribe(sub)
	time.Sleep(shortTimeout)
	assert.Equal(t, []grpc.ChannelConnectivity{grpc.Shutdown}, late.get())
}

func TestChannelConnectivityCloseFromCallback(t *testing.T) {
	_, ch := setup(t, nil)
	closed := make(chan error, 1)
	ch.Subscribe(func(c grpc.ChannelConnectivity) {
		if c == grpc.Ready {
			closed <- ch.Close()
		}
	}, true)
	select {
	case err := <-closed:
		require.NoError(t, err)
	case <-time.After(longTimeout):
		t.Fatal("Close from a subscription callback hung")
	}
	_, err := ch.UnaryUnary(method("Echo")).Call([]byte("x"))
	assert.ErrorIs(t, err, grpc.ErrChannelClosed)
}

// doneRecorder receives the future passed to a done callback
// (grpcio's _Callback in _channel_ready_future_test.py).
func doneRecorder() (<-chan *grpc.Future[struct{}], func(*grpc.Future[struct{}])) {
	got := make(chan *grpc.Future[struct{}], 1)
	return got, func(f *grpc.Future[struct{}]) { got <- f }
}

func TestChannelReadyFutureLonely(t *testing.T) {
	leakcheck.Check(t)
	ch := dial(t, unusedTarget(t))

	f := grpc.ChannelReadyFuture(ch)
	got, cb := doneRecorder()
	f.AddDoneCallback(cb)
	_, err := f.Result(shortTimeout)
	assert.Equal(t, grpc.FutureTimeoutError, err)
	assert.False(t, f.Cancelled())
	assert.False(t, f.Done())
	assert.True(t, f.Running())

	assert.True(t, f.Cancel())
	select {
	case passed := <-got:
		assert.Same(t, f, passed)
	case <-time.After(longTimeout):
		t.Fatal("the done callback did not run")
	}
	assert.True(t, f.Cancelled())
	assert.True(t, f.Done())
	assert.False(t, f.Running())
	_, err = f.Result(0)
	assert.Equal(t, grpc.FutureCancelledError, err)
	assert.Equal(t, grpc.FutureCancelledError, f.Exception(0))
	assert.False(t, f.Cancel(), "a second Cancel reports false")

	// The channel is still usable: it has been trying to connect, and its
	// RPCs fail as RPCs to an unreachable target do.
	rec := newRecorder()
	ch.Subscribe(rec.update, false)
	assert.Equal(t, []grpc.ChannelConnectivity{grpc.TransientFailure}, rec.waitFor(t, count(1)))
	_, err = ch.UnaryUnary(method("Echo")).Call([]byte("x"), grpc.Timeout(longTimeout))
	assert.Equal(t, grpc.Unavailable, rpcError(t, err).Code())
	require.NoError(t, ch.Close())
}

func TestChannelReadyFutureImmediatelyConnectable(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})

	f := grpc.ChannelReadyFuture(ch)
	got, cb := doneRecorder()
	f.AddDoneCallback(cb)
	resp, err := f.Result(longTimeout)
	require.NoError(t, err)
	assert.Equal(t, struct{}{}, resp)
	select {
	case passed := <-got:
		assert.Same(t, f, passed)
	case <-time.After(longTimeout):
		t.Fatal("the done callback did not run")
	}
	assert.False(t, f.Cancelled())
	assert.True(t, f.Done())
	assert.False(t, f.Running())
	assert.Equal(t, grpc.OK, f.Code())
	// Cancellation after maturity has no effect.
	assert.False(t, f.Cancel())
	assert.False(t, f.Cancelled())
	assert.True(t, f.Done())
	assert.False(t, f.Running())

	resp2, err := ch.UnaryUnary(method("Echo")).Call([]byte("ready"))
	require.NoError(t, err)
	assert.Equal(t, []byte("ready"), resp2)
}
