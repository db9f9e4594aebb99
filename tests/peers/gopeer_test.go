package peers_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// callTimeout bounds every call that is not about deadlines, so that a hang
// fails the call rather than the whole test binary.
var callTimeout = grpc.Timeout(30 * time.Second)

// peerTrailers is what gopeer sends as trailing metadata of Echo and Status.
var peerTrailers = grpc.Metadata{
	{Key: "trailing-key", Value: "trailing-value"},
	{Key: "trailing-key-bin", Value: "\x00\xff"},
}

// startGoPeer runs the gopeer binary as a server and returns its target.
func startGoPeer(t *testing.T, bin string) string {
	t.Helper()
	return startPeerProcess(t, "gopeer", exec.Command(bin))
}

// TestGoPeerServer calls a grpc-go server (testdata/gopeer) with
// grpcio-go's client: payloads, metadata both ways, statuses, deadlines,
// unknown methods and futures.
func TestGoPeerServer(t *testing.T) {
	leakcheck.Check(t)
	bin := requirePeer(t, grpcGoServer)
	ch := dial(t, startGoPeer(t, bin))
	echo := ch.UnaryUnary("/peer.Peer/Echo")

	t.Run("Echo", func(t *testing.T) {
		for _, req := range [][]byte{[]byte("hello"), {}, bigPayload()} {
			resp, err := echo.Call(req, callTimeout)
			require.NoError(t, err, "echo of %d bytes", len(req))
			b, ok := resp.([]byte)
			require.True(t, ok, "echo of %d bytes: response is %T, want []byte", len(req), resp)
			assert.True(t, bytes.Equal(req, b), "echo of %d bytes came back as %d different bytes", len(req), len(b))
		}
	})

	t.Run("Metadata", func(t *testing.T) {
		resp, call, err := echo.WithCall([]byte("md"), callTimeout, grpc.WithMetadata(grpc.Metadata{
			{Key: "x-plain", Value: "plain-value"},
			{Key: "x-dup", Value: "1"}, {Key: "x-dup", Value: "2"},
			{Key: "x-raw-bin", Value: "\x00\xff\x01"},
			{Key: "not-echoed", Value: "no"},
		}))
		require.NoError(t, err)
		assert.Equal(t, []byte("md"), resp)
		assert.Equal(t, grpc.OK, call.Code())
		assert.Equal(t, "", call.Details())
		assert.Equal(t, grpc.Metadata{
			{Key: "x-dup", Value: "1"}, {Key: "x-dup", Value: "2"},
			{Key: "x-plain", Value: "plain-value"},
			{Key: "x-raw-bin", Value: "\x00\xff\x01"},
		}, sortedMD(call.InitialMetadata()))
		assert.Equal(t, peerTrailers, sortedMD(call.TrailingMetadata()))
	})

	t.Run("Status", func(t *testing.T) {
		_, err := ch.UnaryUnary("/peer.Peer/Status").Call([]byte("x"), callTimeout)
		e := grpctest.AssertStatus(t, err, grpc.NotFound, "not here")
		assert.Equal(t, peerTrailers, sortedMD(e.TrailingMetadata()))
	})

	t.Run("DeadlineExceeded", func(t *testing.T) {
		// grpc-go resets the stream (RST_STREAM CANCEL) when its own copy of
		// the deadline passes, about when the client's does. Usually C-core's
		// deadline wins: DEADLINE_EXCEEDED "Deadline Exceeded". On a busy
		// machine the reset can be read first, and C-core 1.51 then reports
		// it as below; Python grpcio gets the same outcomes from grpc-go.
		// Each attempt must end in one of them, and one in five must be the
		// plain deadline.
		raced := map[string]bool{
			fmt.Sprintf("%s %q", grpc.DeadlineExceeded.Name(), "Received RST_STREAM with error code 8"): true,
			fmt.Sprintf("%s %q", grpc.Cancelled.Name(), "Received RST_STREAM with error code 8"):        true,
			fmt.Sprintf("%s %q", grpc.DeadlineExceeded.Name(), "context deadline exceeded"):             true,
		}
		for attempt := 1; ; attempt++ {
			start := time.Now()
			_, err := ch.UnaryUnary("/peer.Peer/Sleep").Call([]byte("x"), grpc.Timeout(200*time.Millisecond))
			elapsed := time.Since(start)
			e := grpctest.RpcError(t, err)
			assert.GreaterOrEqual(t, elapsed, 190*time.Millisecond, "attempt %d ended early", attempt)
			if e.Code() == grpc.DeadlineExceeded && e.Details() == "Deadline Exceeded" {
				return
			}
			got := fmt.Sprintf("%s %q", e.Code().Name(), e.Details())
			require.True(t, raced[got], "attempt %d: status = %s, want DEADLINE_EXCEEDED \"Deadline Exceeded\"", attempt, got)
			require.Less(t, attempt, 5, "5 attempts lost the race to grpc-go's reset; the last: %s", got)
			t.Logf("attempt %d: %s (grpc-go's reset came first); trying again", attempt, got)
		}
	})

	t.Run("UnknownMethod", func(t *testing.T) {
		_, err := ch.UnaryUnary("/peer.Peer/NoSuchMethod").Call([]byte("x"), callTimeout)
		grpctest.AssertStatus(t, err, grpc.Unimplemented, "unknown method /peer.Peer/NoSuchMethod")
	})

	t.Run("Future", func(t *testing.T) {
		f := echo.Future([]byte("future"), callTimeout, grpc.WithMetadata(grpc.Metadata{{Key: "x-future", Value: "yes"}}))
		resp, err := f.Result(-1)
		require.NoError(t, err)
		assert.Equal(t, []byte("future"), resp)
		assert.True(t, f.Done())
		assert.False(t, f.Cancelled())
		assert.Equal(t, grpc.OK, f.Code())
		assert.Equal(t, grpc.Metadata{{Key: "x-future", Value: "yes"}}, f.InitialMetadata())
		assert.Equal(t, peerTrailers, sortedMD(f.TrailingMetadata()))

		// A failing RPC's future holds its RpcError.
		sf := ch.UnaryUnary("/peer.Peer/Status").Future([]byte("x"), callTimeout)
		grpctest.AssertStatus(t, sf.Exception(-1), grpc.NotFound, "not here")
		assert.Equal(t, grpc.NotFound, sf.Code())

		// Cancelling a future whose RPC is waiting on the peer.
		w := ch.UnaryUnary("/peer.Peer/Sleep").Future([]byte("x"), callTimeout)
		_, err = w.Result(50 * time.Millisecond)
		assert.ErrorIs(t, err, grpc.FutureTimeoutError)
		assert.True(t, w.Cancel())
		assert.True(t, w.Cancelled())
		assert.ErrorIs(t, w.Exception(-1), grpc.FutureCancelledError)
		assert.Equal(t, grpc.Cancelled, w.Code())
		assert.Equal(t, "Locally cancelled by application!", w.Details())

		// A burst of futures all succeed.
		var fs []*grpc.Future[any]
		for i := range 50 {
			fs = append(fs, echo.Future(fmt.Appendf(nil, "burst-%d", i), callTimeout))
		}
		for i, f := range fs {
			resp, err := f.Result(-1)
			require.NoError(t, err, "future %d", i)
			assert.Equal(t, fmt.Appendf(nil, "burst-%d", i), resp)
		}
	})
}
