package grpc_test

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/grpc/experimental"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// double answers a response twice the request's size.
var double = grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
	return bytes.Repeat([]byte("x"), 2*len(req)), nil
}, nil, nil)

func TestMessageSizeLimits(t *testing.T) {
	leakcheck.Check(t)
	_, target := startServer(t, map[string]*grpc.RPCMethodHandler{"Double": double})
	limited := dial(t, target, grpc.Options{{"grpc.max_receive_message_length", 1024}, {"grpc.max_send_message_length", 1500}})
	mc := grpc.NewUnaryUnary[[]byte, []byte](limited, method("Double"))
	_, err := mc.Call(make([]byte, 500))
	require.NoError(t, err)
	_, err = mc.Call(make([]byte, 1000))
	assertStatus(t, err, grpc.ResourceExhausted, "Received message larger than max (2000 vs. 1024)")
	_, err = mc.Call(make([]byte, 2000))
	assertStatus(t, err, grpc.ResourceExhausted, "Sent message larger than max (2000 vs. 1500)")

	// C-core's default receive limit is 4 MiB, on either side.
	plain := grpc.NewUnaryUnary[[]byte, []byte](dial(t, target), method("Double"))
	_, err = plain.Call(make([]byte, 3<<20))
	assertStatus(t, err, grpc.ResourceExhausted, "Received message larger than max (6291456 vs. 4194304)")
	_, err = plain.Call(make([]byte, 5<<20))
	assertStatus(t, err, grpc.ResourceExhausted, "Received message larger than max (5242880 vs. 4194304)")
	raised := grpc.NewUnaryUnary[[]byte, []byte](dial(t, target, grpc.Options{{"grpc.max_receive_message_length", 8 << 20}}), method("Double"))
	resp, err := raised.Call(make([]byte, 3<<20))
	require.NoError(t, err)
	assert.Len(t, resp, 6<<20)

	// The server's own limit.
	_, small := startServer(t, map[string]*grpc.RPCMethodHandler{"Double": double}, grpc.Options{{"grpc.max_receive_message_length", 100}})
	_, err = grpc.NewUnaryUnary[[]byte, []byte](dial(t, small), method("Double")).Call(make([]byte, 200))
	assertStatus(t, err, grpc.ResourceExhausted, "Received message larger than max (200 vs. 100)")
}

func TestPrimaryUserAgentAndKeepaliveOptions(t *testing.T) {
	leakcheck.Check(t)
	agents := make(chan string, 2)
	_, target := startServer(t, map[string]*grpc.RPCMethodHandler{
		"Agent": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			ua, _ := ctx.InvocationMetadata().Get("user-agent")
			agents <- ua
			return req, nil
		}, nil, nil),
	}, grpc.Options{{"grpc.keepalive_time_ms", 10000}, {"grpc.http2.min_ping_interval_without_data_ms", 5000}})
	ch := dial(t, target, grpc.Options{
		{"grpc.primary_user_agent", "my-app/1.2"},
		{"grpc.keepalive_time_ms", 10000},
		{"grpc.keepalive_timeout_ms", 5000},
		{"grpc.keepalive_permit_without_calls", 1},
		{"grpc.http2.max_pings_without_data", 0},
		{"grpc.enable_retries", true},
	})
	_, err := ch.UnaryUnary(method("Agent")).Call([]byte("x"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(<-agents, "my-app/1.2 grpc-c/"))
	_, err = dial(t, target).UnaryUnary(method("Agent")).Call([]byte("x"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(<-agents, "grpcio-go/"+grpc.Version+" grpc-c/"))
}

func TestServiceConfigRetryPolicy(t *testing.T) {
	leakcheck.Check(t)
	var attempts atomic.Int32
	previous := make(chan string, 10)
	_, target := startServer(t, map[string]*grpc.RPCMethodHandler{
		"Flaky": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			v, _ := ctx.InvocationMetadata().Get("grpc-previous-rpc-attempts")
			previous <- v
			if attempts.Add(1)%3 != 0 {
				return nil, ctx.Abort(grpc.Unavailable, "try again")
			}
			return req, nil
		}, nil, nil),
	})
	serviceConfig := `{"methodConfig": [{
		"name": [{"service": "test.Test"}],
		"retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.01s", "maxBackoff": "0.01s",
			"backoffMultiplier": 1, "retryableStatusCodes": ["UNAVAILABLE"]}}]}`
	ch := dial(t, target, grpc.Options{{"grpc.service_config", serviceConfig}})
	resp, err := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Flaky")).Call([]byte("third time lucky"))
	require.NoError(t, err)
	assert.Equal(t, "third time lucky", string(resp))
	assert.Equal(t, int32(3), attempts.Load())
	assert.Equal(t, []string{"", "1", "2"}, []string{<-previous, <-previous, <-previous})

	// Without the policy the first failure is final.
	attempts.Store(0)
	_, err = dial(t, target).UnaryUnary(method("Flaky")).Call([]byte("x"))
	assertStatus(t, err, grpc.Unavailable, "try again")
	assert.Equal(t, int32(1), attempts.Load())
}

func TestInvalidChannelArguments(t *testing.T) {
	leakcheck.Check(t)
	_, err := grpc.InsecureChannel("")
	require.ErrorContains(t, err, "empty target")
	_, err = grpc.InsecureChannel("ipv4:300.1.1.1:80")
	require.ErrorContains(t, err, `invalid target "ipv4:300.1.1.1:80"`)
	_, err = grpc.InsecureChannel("localhost:1", grpc.Options{{"grpc.max_receive_message_length", 1.5}})
	require.ErrorContains(t, err, `channel option "grpc.max_receive_message_length": value of type float64 is not supported`)
	_, err = grpc.InsecureChannel("localhost:1", grpc.Options{{"grpc.max_receive_message_length", 1 << 40}})
	require.ErrorContains(t, err, "does not fit C-core's 32-bit int")
	_, err = grpc.InsecureChannel("localhost:1", grpc.WithCompression(grpc.Compression(7)))
	require.ErrorContains(t, err, "invalid compression 7")
	_, err = grpc.InsecureChannel("localhost:1", grpc.Options{{grpc.PollModeOption, "spin"}})
	require.ErrorContains(t, err, "unknown value spin")

	// A target C-core parses but cannot resolve fails its calls with
	// C-core's explanation, as in grpcio.
	ch := dial(t, "unix:")
	_, err = ch.UnaryUnary(method("X")).Call([]byte("x"))
	assertStatus(t, err, grpc.Unavailable, "empty address list: ")
}

func TestSingleThreadedUnaryStreamOption(t *testing.T) {
	leakcheck.Check(t)
	_, target := startServer(t, map[string]*grpc.RPCMethodHandler{
		"Count": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) {
				for i := range 5 {
					if !yield([]byte(fmt.Sprint(i)), nil) {
						return
					}
				}
			}
		}, nil, nil),
	})
	ch := dial(t, target, grpc.Options{{experimental.SingleThreadedUnaryStream, 1}})
	it, err := grpc.NewUnaryStream[[]byte, []byte](ch, method("Count")).Call(nil)
	require.NoError(t, err)
	var got []string
	for {
		resp, err := it.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		got = append(got, string(resp))
	}
	assert.Equal(t, []string{"0", "1", "2", "3", "4"}, got)
}

func TestCallCredentialsReachCCore(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil)})
	token := grpc.AccessTokenCallCredentials("secret")
	// C-core refuses to send call credentials over an insecure channel, as
	// grpcio's users see.
	_, err := ch.UnaryUnary(method("Echo")).Call([]byte("x"), grpc.WithCallCredentials(token))
	assertStatus(t, err, grpc.Unauthenticated, "Established channel does not have a sufficient security level to transfer call credential.")
	both, err := grpc.CompositeCallCredentials(token, grpc.AccessTokenCallCredentials("other"))
	require.NoError(t, err)
	it, err := ch.UnaryStream(method("Echo")).Call([]byte("x"), grpc.WithCallCredentials(both))
	require.NoError(t, err)
	_, err = it.Next()
	assertStatus(t, err, grpc.Unauthenticated, "Established channel does not have a sufficient security level to transfer call credential.")
	_, err = grpc.CompositeCallCredentials(token)
	require.ErrorContains(t, err, "at least two")
}

func TestServerPorts(t *testing.T) {
	leakcheck.Check(t)
	s, err := grpc.NewServer(grpc.Handlers(grpc.MethodHandlersGenericHandler(testService, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})))
	require.NoError(t, err)
	p4, err := s.AddInsecurePort("127.0.0.1:0")
	require.NoError(t, err)
	p6, err := s.AddInsecurePort("[::1]:0")
	require.NoError(t, err)
	sock := fmt.Sprintf("unix:%s/grpc.sock", t.TempDir())
	pu, err := s.AddInsecurePort(sock)
	require.NoError(t, err)
	assert.Equal(t, 1, pu, "C-core reports 1 for a unix socket")
	require.NoError(t, s.Start())
	defer func() { <-s.Stop(0) }()
	for _, target := range []string{fmt.Sprintf("127.0.0.1:%d", p4), fmt.Sprintf("ipv6:[::1]:%d", p6), fmt.Sprintf("[::1]:%d", p6), sock} {
		ch := dial(t, target)
		resp, err := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo")).Call([]byte(target))
		require.NoError(t, err, target)
		assert.Equal(t, target, string(resp))
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

// freePort returns a loopback port with nothing listening on it.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// serveOn starts an echo server on the given port.
func serveOn(t *testing.T, port int) *grpc.Server {
	t.Helper()
	s, err := grpc.NewServer(grpc.Handlers(grpc.MethodHandlersGenericHandler(testService, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})))
	require.NoError(t, err)
	_, err = s.AddInsecurePort(fmt.Sprintf("127.0.0.1:%d", port))
	require.NoError(t, err)
	require.NoError(t, s.Start())
	return s
}

func TestWaitForReadyWaitsForTheServer(t *testing.T) {
	leakcheck.Check(t)
	port := freePort(t)
	ch := dial(t, fmt.Sprintf("127.0.0.1:%d", port))
	mc := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo"))
	_, err := mc.Call([]byte("x"), grpc.WaitForReady(false))
	assert.Equal(t, grpc.Unavailable, rpcError(t, err).Code())
	f := mc.Future([]byte("patient"), grpc.WaitForReady(true), grpc.Timeout(20*time.Second))
	time.Sleep(200 * time.Millisecond)
	assert.True(t, f.Running(), "a wait-for-ready RPC waits for the server")
	s := serveOn(t, port)
	defer func() { <-s.Stop(0) }()
	resp, err := f.Result(-1)
	require.NoError(t, err)
	assert.Equal(t, "patient", string(resp))
}

func TestReconnect(t *testing.T) {
	leakcheck.Check(t)
	port := freePort(t)
	s := serveOn(t, port)
	ch := dial(t, fmt.Sprintf("127.0.0.1:%d", port))
	mc := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo"))
	_, err := mc.Call([]byte("before"))
	require.NoError(t, err)
	// Watch the channel, so that C-core processes the connection's end (a
	// channel nobody polls notices only at its next call, or at the 5 s
	// backup poll, which is why grpcio's own test sleeps 5.1 s).
	lost := make(chan struct{})
	var once sync.Once
	sub := ch.Subscribe(func(c grpc.ChannelConnectivity) {
		if c != grpc.Ready {
			once.Do(func() { close(lost) })
		}
	}, false)
	defer ch.Unsubscribe(sub)
	<-s.Stop(0)
	select {
	case <-lost:
	case <-time.After(10 * time.Second):
		t.Fatal("the channel did not notice that the server went away")
	}
	s = serveOn(t, port)
	defer func() { <-s.Stop(0) }()
	resp, err := mc.Call([]byte("after"), grpc.WaitForReady(true), grpc.Timeout(20*time.Second))
	require.NoError(t, err)
	assert.Equal(t, "after", string(resp))
}
