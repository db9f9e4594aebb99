package grpc_test

import (
	"fmt"
	"iter"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// blockingServer serves "Block", which signals entered and waits for
// release or the end of the RPC.
func blockingServer(t *testing.T) (s *grpc.Server, target string, entered chan struct{}, release chan struct{}) {
	t.Helper()
	entered, release = make(chan struct{}, 10), make(chan struct{})
	s, target = startServer(t, map[string]*grpc.RPCMethodHandler{
		"Block": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			entered <- struct{}{}
			select {
			case <-release:
				return req, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}, nil, nil),
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})
	return s, target, entered, release
}

func TestStopGraceLetsInFlightFinishAndRefusesNew(t *testing.T) {
	leakcheck.Check(t)
	s, target, entered, release := blockingServer(t)
	ch := dial(t, target)
	block := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Block"))
	f := block.Future([]byte("in flight"))
	<-entered
	done := s.Stop(5 * time.Second)
	// New RPCs are refused at once.
	fresh := dial(t, target)
	_, err := fresh.UnaryUnary(method("Echo")).Call([]byte("new"), grpc.Timeout(5*time.Second))
	// C-core refuses a new connection (UNAVAILABLE), or a new stream on a
	// connection accepted just before the listener closed (CANCELLED).
	code := rpcError(t, err).Code()
	require.True(t, code == grpc.Unavailable || code == grpc.Cancelled, "%v", err)
	select {
	case <-done:
		t.Fatal("server stopped before its in-flight RPC finished")
	default:
	}
	close(release)
	resp, err := f.Result(-1)
	require.NoError(t, err)
	assert.Equal(t, "in flight", string(resp))
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop after its last RPC")
	}
	assert.False(t, s.WaitForTermination(0))
}

func TestStopGraceCancelsWhenGraceEnds(t *testing.T) {
	leakcheck.Check(t)
	s, target, entered, _ := blockingServer(t)
	ch := dial(t, target)
	f := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Block")).Future([]byte("x"))
	<-entered
	start := time.Now()
	<-s.Stop(200 * time.Millisecond)
	assert.GreaterOrEqual(t, time.Since(start), 190*time.Millisecond)
	// C-core's grpc_server_cancel_all_calls ends them this way, for grpcio too.
	assertStatus(t, f.Exception(-1), grpc.Unavailable, "Cancelling all calls")
}

func TestStopNoneCancelsAtOnce(t *testing.T) {
	leakcheck.Check(t)
	s, target, entered, _ := blockingServer(t)
	ch := dial(t, target)
	f := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Block")).Future([]byte("x"))
	<-entered
	select {
	case <-s.Stop(-1):
	case <-time.After(5 * time.Second):
		t.Fatal("Stop(-1) did not stop the server")
	}
	assertStatus(t, f.Exception(-1), grpc.Unavailable, "Cancelling all calls")
	// Stopping again is harmless and the shorter grace of a later call wins.
	<-s.Stop(time.Hour)
	<-s.Stop(-1)
	assert.False(t, s.WaitForTermination(-1))
}

func TestStopShorterLaterGraceWins(t *testing.T) {
	leakcheck.Check(t)
	s, target, entered, _ := blockingServer(t)
	ch := dial(t, target)
	f := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Block")).Future([]byte("x"))
	<-entered
	s.Stop(time.Hour)
	select {
	case <-s.Stop(10 * time.Millisecond):
	case <-time.After(5 * time.Second):
		t.Fatal("the shorter grace did not win")
	}
	assertStatus(t, f.Exception(-1), grpc.Unavailable, "Cancelling all calls")
}

func TestServerLifecycleErrors(t *testing.T) {
	leakcheck.Check(t)
	s, err := grpc.NewServer()
	require.NoError(t, err)
	port, err := s.AddInsecurePort("127.0.0.1:0")
	require.NoError(t, err)
	require.NotZero(t, port)

	// A port that cannot be bound is grpcio's error.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	taken := l.Addr().String()
	_, err = s.AddInsecurePort(taken)
	require.Error(t, err)
	assert.Equal(t, fmt.Sprintf("Failed to bind to address %s; set GRPC_VERBOSITY=debug environment variable to see detailed error message.", taken), err.Error())
	_, err = s.AddInsecurePort("not an address:xyz")
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "Failed to bind to address"))

	assert.True(t, s.WaitForTermination(10*time.Millisecond), "a running server times out the wait")
	require.NoError(t, s.Start())
	assert.EqualError(t, s.Start(), "Cannot start already-started server!")
	<-s.Stop(0)
	assert.False(t, s.WaitForTermination(time.Second))
	require.Error(t, s.Start())

	_, err = grpc.NewServer(grpc.MaxWorkers(0))
	require.Error(t, err)
	_, err = grpc.NewServer(grpc.Options{{"grpc.some_float", 1.5}})
	require.Error(t, err)
}

func TestStopBeforeStart(t *testing.T) {
	leakcheck.Check(t)
	s, err := grpc.NewServer()
	require.NoError(t, err)
	_, err = s.AddInsecurePort("127.0.0.1:0")
	require.NoError(t, err)
	select {
	case <-s.Stop(0):
	case <-time.After(5 * time.Second):
		t.Fatal("Stop before Start did not stop")
	}
	assert.False(t, s.WaitForTermination(-1))
	require.Error(t, s.Start())
}

func TestWaitForTerminationReturnsWhenStoppedElsewhere(t *testing.T) {
	leakcheck.Check(t)
	s, _ := startServer(t, map[string]*grpc.RPCMethodHandler{"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil)})
	go func() {
		time.Sleep(50 * time.Millisecond)
		s.Stop(0)
	}()
	assert.False(t, s.WaitForTermination(10*time.Second))
}

func TestChannelCloseCancelsInFlight(t *testing.T) {
	leakcheck.Check(t)
	_, target, entered, _ := blockingServer(t)
	ch, err := grpc.InsecureChannel(target)
	require.NoError(t, err)
	block := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Block"))
	errs := make(chan error, 2)
	go func() { _, err := block.Call([]byte("a")); errs <- err }()
	f := block.Future([]byte("b"))
	<-entered
	<-entered
	require.NoError(t, ch.Close())
	assertStatus(t, <-errs, grpc.Cancelled, "Channel closed!")
	assertStatus(t, f.Exception(-1), grpc.Cancelled, "Channel closed!")
	_, err = block.Call([]byte("after"))
	assert.ErrorIs(t, err, grpc.ErrChannelClosed)
	assert.EqualError(t, err, "Cannot invoke RPC: Channel closed!")
	require.NoError(t, ch.Close(), "closing twice is harmless")
	_, err = grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo")).Call([]byte("x"))
	assert.ErrorIs(t, err, grpc.ErrChannelClosed)
}

func TestWaitForReady(t *testing.T) {
	leakcheck.Check(t)
	// Reserve a port with nothing listening on it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	ch := dial(t, addr)
	mc := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo"))
	_, err = mc.Call([]byte("x"), grpc.Timeout(5*time.Second))
	assert.Equal(t, grpc.Unavailable, rpcError(t, err).Code(), "fail fast by default")
	start := time.Now()
	_, err = mc.Call([]byte("x"), grpc.WaitForReady(true), grpc.Timeout(300*time.Millisecond))
	assert.Equal(t, grpc.DeadlineExceeded, rpcError(t, err).Code())
	assert.GreaterOrEqual(t, time.Since(start), 290*time.Millisecond)
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

func TestMaximumConcurrentRPCsStreaming(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 10)
	block := func() {
		entered <- struct{}{}
		<-release
	}
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"UU": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			block()
			return req, nil
		}, nil, nil),
		"US": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) { yield(req, nil) }
		}, nil, nil),
		"SU": grpc.StreamUnaryRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) ([]byte, error) {
			return []byte("su"), nil
		}, nil, nil),
		"SS": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) { yield([]byte("ss"), nil) }
		}, nil, nil),
	}, grpc.MaximumConcurrentRPCs(1))
	f := grpc.NewUnaryUnary[[]byte, []byte](ch, method("UU")).Future([]byte("holder"))
	<-entered
	const details = "Concurrent RPC limit exceeded!"
	us, err := grpc.NewUnaryStream[[]byte, []byte](ch, method("US")).Call([]byte("x"))
	require.NoError(t, err)
	_, err = us.Next()
	assertStatus(t, err, grpc.ResourceExhausted, details)
	_, err = grpc.NewStreamUnary[[]byte, []byte](ch, method("SU")).Call(bytesSeq("x"))
	assertStatus(t, err, grpc.ResourceExhausted, details)
	err = grpc.NewStreamUnary[[]byte, []byte](ch, method("SU")).Future(bytesSeq("x")).Exception(-1)
	assertStatus(t, err, grpc.ResourceExhausted, details)
	ss, err := grpc.NewStreamStream[[]byte, []byte](ch, method("SS")).Call(bytesSeq("x"))
	require.NoError(t, err)
	_, err = ss.Next()
	assertStatus(t, err, grpc.ResourceExhausted, details)
	close(release)
	resp, err := f.Result(-1)
	require.NoError(t, err)
	assert.Equal(t, "holder", string(resp))
	ss, err = grpc.NewStreamStream[[]byte, []byte](ch, method("SS")).Call(bytesSeq("x"))
	require.NoError(t, err)
	resp, err = ss.Next()
	require.NoError(t, err)
	assert.Equal(t, "ss", string(resp))
}
