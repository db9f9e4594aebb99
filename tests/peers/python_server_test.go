package peers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// pyTrailers is what python_server.py sends as trailing metadata of Echo
// and Status.
var pyTrailers = grpc.Metadata{
	{Key: "trailing-key", Value: "trailing-value"},
	{Key: "trailing-key-bin", Value: "\x00\xff"},
}

// startPythonServer runs testdata/python_server.py and returns its target.
func startPythonServer(t *testing.T, python string) string {
	t.Helper()
	cmd := exec.Command(python, "testdata/python_server.py")
	cmd.Env = append(cmd.Environ(), "PYTHONDONTWRITEBYTECODE=1")
	return startPeerProcess(t, "python_server.py", cmd)
}

// pyMethod is the full name of a python_server.py method.
func pyMethod(name string) string { return "/pyserver.PyServer/" + name }

// seqOf yields msgs as a request stream.
func seqOf(msgs ...[]byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for _, m := range msgs {
			if !yield(m) {
				return
			}
		}
	}
}

// drain reads it to its end: the responses, and io.EOF or the RPC's error.
func drain(it *grpc.ResponseIterator[[]byte]) ([][]byte, error) {
	var got [][]byte
	for {
		resp, err := it.Next()
		if err != nil {
			return got, err
		}
		got = append(got, resp)
	}
}

// numberedBytes is "<prefix>-0", "<prefix>-1", ...
func numberedBytes(prefix string, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = fmt.Appendf(nil, "%s-%d", prefix, i)
	}
	return out
}

// counting is what python_server.py's endless streams send: "0", "1", ...
func counting(n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = []byte(strconv.Itoa(i))
	}
	return out
}

// TestPythonServer calls a Python grpcio server (testdata/python_server.py)
// with grpcio-go's client on all four shapes: payloads, metadata both ways
// (-bin values included), the statuses grpcio produces, cancellation and
// deadlines.
func TestPythonServer(t *testing.T) {
	leakcheck.Check(t)
	python := requirePeer(t, pythonGRPCIO)
	ch := dial(t, startPythonServer(t, python))
	// report asks the server how the endless RPC called name ended.
	report := func(t *testing.T, name string) string {
		t.Helper()
		resp, err := ch.UnaryUnary(pyMethod("Report")).Call([]byte(name), callTimeout)
		require.NoError(t, err)
		return string(resp.([]byte))
	}
	invocationMD := grpc.Metadata{
		{Key: "x-plain", Value: "plain-value"},
		{Key: "x-dup", Value: "1"}, {Key: "x-dup", Value: "2"},
		{Key: "x-raw-bin", Value: "\x00\xff\x01"},
		{Key: "not-echoed", Value: "no"},
	}
	echoedMD := grpc.Metadata{
		{Key: "x-plain", Value: "plain-value"},
		{Key: "x-dup", Value: "1"}, {Key: "x-dup", Value: "2"},
		{Key: "x-raw-bin", Value: "\x00\xff\x01"},
	}

	t.Run("UnaryUnary", func(t *testing.T) {
		echo := ch.UnaryUnary(pyMethod("Echo"))
		for _, req := range [][]byte{[]byte("hello"), {}, bigPayload()} {
			resp, err := echo.Call(req, callTimeout)
			require.NoError(t, err, "echo of %d bytes", len(req))
			assert.True(t, bytes.Equal(req, resp.([]byte)), "echo of %d bytes came back as %d different bytes", len(req), len(resp.([]byte)))
		}
		resp, call, err := echo.WithCall([]byte("md"), callTimeout, grpc.WithMetadata(invocationMD))
		require.NoError(t, err)
		assert.Equal(t, []byte("md"), resp)
		assert.Equal(t, grpc.OK, call.Code())
		assert.Equal(t, "", call.Details())
		assert.Equal(t, echoedMD, call.InitialMetadata())
		assert.Equal(t, pyTrailers, call.TrailingMetadata())

		f := echo.Future([]byte("future"), callTimeout)
		resp, err = f.Result(-1)
		require.NoError(t, err)
		assert.Equal(t, []byte("future"), resp)
		assert.Equal(t, pyTrailers, f.TrailingMetadata())
	})

	t.Run("Statuses", func(t *testing.T) {
		_, err := ch.UnaryUnary(pyMethod("Status")).Call([]byte("NOT_FOUND:not here"), callTimeout)
		e := grpctest.AssertStatus(t, err, grpc.NotFound, "not here")
		assert.Equal(t, pyTrailers, e.TrailingMetadata())
		_, err = ch.UnaryUnary(pyMethod("Status")).Call([]byte("FAILED_PRECONDITION:"), callTimeout)
		grpctest.AssertStatus(t, err, grpc.FailedPrecondition, "")
		_, err = ch.UnaryUnary(pyMethod("Abort")).Call([]byte("x"), callTimeout)
		grpctest.AssertStatus(t, err, grpc.PermissionDenied, "go away")
		_, err = ch.UnaryUnary(pyMethod("Raise")).Call([]byte("x"), callTimeout)
		grpctest.AssertStatus(t, err, grpc.Unknown, "Exception calling application: kaput")
		_, err = ch.UnaryUnary(pyMethod("NoSuchMethod")).Call([]byte("x"), callTimeout)
		grpctest.AssertStatus(t, err, grpc.Unimplemented, "Method not found!")
		it, err := ch.UnaryStream(pyMethod("NoSuchMethod")).Call([]byte("x"), callTimeout)
		require.NoError(t, err)
		_, err = it.Next()
		grpctest.AssertStatus(t, err, grpc.Unimplemented, "Method not found!")
		_, err = ch.StreamUnary("/other.Service/Join").Call(nil, callTimeout)
		grpctest.AssertStatus(t, err, grpc.Unimplemented, "Method not found!")
	})

	t.Run("UnaryStream", func(t *testing.T) {
		repeat := grpc.NewUnaryStream[[]byte, []byte](ch, pyMethod("Repeat"))
		it, err := repeat.Call([]byte("item"), callTimeout,
			grpc.WithMetadata(append(invocationMD, grpc.Metadatum{Key: "repeat-count", Value: "25"})))
		require.NoError(t, err)
		assert.Equal(t, echoedMD, it.InitialMetadata(), "initial metadata, before the first response")
		got, err := drain(it)
		assert.ErrorIs(t, err, io.EOF)
		assert.Equal(t, numberedBytes("item", 25), got)
		assert.Equal(t, grpc.OK, it.Code())
		assert.Equal(t, "", it.Details())
		assert.Equal(t, grpc.Metadata{{Key: "count", Value: "25"}, {Key: "count-bin", Value: "\x19\x00\xff"}}, it.TrailingMetadata())

		// Many responses, in order.
		it, err = repeat.Call([]byte("m"), callTimeout, grpc.WithMetadata(grpc.Metadata{{Key: "repeat-count", Value: "2000"}}))
		require.NoError(t, err)
		got, err = drain(it)
		assert.ErrorIs(t, err, io.EOF)
		assert.Equal(t, numberedBytes("m", 2000), got)

		// No responses.
		it, err = repeat.Call([]byte("none"), callTimeout, grpc.WithMetadata(grpc.Metadata{{Key: "repeat-count", Value: "0"}}))
		require.NoError(t, err)
		got, err = drain(it)
		assert.ErrorIs(t, err, io.EOF)
		assert.Empty(t, got)
		assert.Equal(t, grpc.Metadata{{Key: "count", Value: "0"}, {Key: "count-bin", Value: "\x00\x00\xff"}}, it.TrailingMetadata())

		// A generator that raises after two responses.
		it, err = grpc.NewUnaryStream[[]byte, []byte](ch, pyMethod("FailAfter")).Call([]byte("x"), callTimeout)
		require.NoError(t, err)
		got, err = drain(it)
		assert.Equal(t, [][]byte{[]byte("one"), []byte("two")}, got)
		grpctest.AssertStatus(t, err, grpc.Unknown, "Exception iterating responses: boom after two")
		assert.Equal(t, grpc.Unknown, it.Code())
		assert.Equal(t, "Exception iterating responses: boom after two", it.Details())

		// A generator that sets the status after a response.
		it, err = grpc.NewUnaryStream[[]byte, []byte](ch, pyMethod("StatusStream")).Call([]byte("DATA_LOSS:lost the rest"), callTimeout)
		require.NoError(t, err)
		got, err = drain(it)
		assert.Equal(t, [][]byte{[]byte("before")}, got)
		grpctest.AssertStatus(t, err, grpc.DataLoss, "lost the rest")
	})

	t.Run("StreamUnary", func(t *testing.T) {
		join := grpc.NewStreamUnary[[]byte, []byte](ch, pyMethod("Join"))
		reqs := numberedBytes("part", 40)
		resp, err := join.Call(seqOf(reqs...), callTimeout)
		require.NoError(t, err)
		assert.Equal(t, bytes.Join(reqs, []byte("+")), resp)

		resp, call, err := join.WithCall(seqOf([]byte("alpha"), []byte{}, []byte{0x00, 0xff}, []byte("omega")), callTimeout)
		require.NoError(t, err)
		assert.Equal(t, []byte("alpha++\x00\xff+omega"), resp)
		assert.Equal(t, grpc.OK, call.Code())
		assert.Equal(t, grpc.Metadata{{Key: "count", Value: "4"}, {Key: "count-bin", Value: "\x04"}}, call.TrailingMetadata())

		f := join.Future(seqOf(numberedBytes("fut", 7)...), callTimeout)
		resp, err = f.Result(-1)
		require.NoError(t, err)
		assert.Equal(t, bytes.Join(numberedBytes("fut", 7), []byte("+")), resp)
		assert.Equal(t, grpc.OK, f.Code())
		assert.Equal(t, grpc.Metadata{{Key: "count", Value: "7"}, {Key: "count-bin", Value: "\x07"}}, f.TrailingMetadata())

		// No requests.
		resp, call, err = join.WithCall(seqOf(), callTimeout)
		require.NoError(t, err)
		assert.Equal(t, []byte{}, resp)
		assert.Equal(t, grpc.Metadata{{Key: "count", Value: "0"}, {Key: "count-bin", Value: "\x00"}}, call.TrailingMetadata())

		// Bulk: 100 requests of up to 64 KiB.
		bulk := bulkRequests()
		resp, err = join.Call(seqOf(bulk...), callTimeout)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(bytes.Join(bulk, []byte("+")), resp), "bulk join differs (%d bytes)", len(resp))
	})

	t.Run("StreamStream", func(t *testing.T) {
		bidi := grpc.NewStreamStream[[]byte, []byte](ch, pyMethod("BidiEcho"))
		bulk := bulkRequests()
		it, err := bidi.Call(seqOf(bulk...), callTimeout, grpc.WithMetadata(invocationMD))
		require.NoError(t, err)
		assert.Equal(t, echoedMD, it.InitialMetadata())
		got, err := drain(it)
		assert.ErrorIs(t, err, io.EOF)
		require.Len(t, got, len(bulk))
		for i := range bulk {
			assert.True(t, bytes.Equal(append([]byte("echo:"), bulk[i]...), got[i]), "response %d is not the echo of its request", i)
		}

		// Ping-pong: each request goes only after the previous response
		// came back.
		next := make(chan []byte)
		defer close(next) // ends the request stream if the test fails early
		it, err = bidi.Call(func(yield func([]byte) bool) {
			for m := range next {
				if m == nil || !yield(m) {
					return
				}
			}
		}, callTimeout)
		require.NoError(t, err)
		for i := range 30 {
			next <- fmt.Appendf(nil, "ping-%d", i)
			resp, err := it.Next()
			require.NoError(t, err)
			assert.Equal(t, fmt.Appendf(nil, "echo:ping-%d", i), resp)
		}
		next <- nil // half-close
		_, err = it.Next()
		assert.ErrorIs(t, err, io.EOF)
		assert.Equal(t, grpc.OK, it.Code())

		// No requests, no responses.
		it, err = bidi.Call(seqOf(), callTimeout)
		require.NoError(t, err)
		got, err = drain(it)
		assert.ErrorIs(t, err, io.EOF)
		assert.Empty(t, got)
	})

	t.Run("Cancel", func(t *testing.T) {
		it, err := grpc.NewUnaryStream[[]byte, []byte](ch, pyMethod("Endless")).Call([]byte("cancel"), callTimeout)
		require.NoError(t, err)
		var got [][]byte
		for range 5 {
			resp, err := it.Next()
			require.NoError(t, err)
			got = append(got, resp)
		}
		assert.Equal(t, counting(5), got)
		assert.True(t, it.IsActive())
		assert.True(t, it.Cancel())
		_, err = drain(it)
		grpctest.AssertStatus(t, err, grpc.Cancelled, "Locally cancelled by application!")
		assert.Equal(t, grpc.Cancelled, it.Code())
		assert.Equal(t, "Locally cancelled by application!", it.Details())
		assert.False(t, it.Cancel(), "a second Cancel")
		assert.Equal(t, "cancelled", report(t, "cancel"), "how the server saw the RPC end")

		// A stream-stream RPC whose request stream is still open.
		blocked := make(chan struct{})
		defer close(blocked)
		it, err = grpc.NewStreamStream[[]byte, []byte](ch, pyMethod("EndlessBidi")).Call(func(yield func([]byte) bool) {
			if yield([]byte("cancel-bidi")) {
				<-blocked
			}
		}, callTimeout)
		require.NoError(t, err)
		for i := range 3 {
			resp, err := it.Next()
			require.NoError(t, err)
			assert.Equal(t, []byte(strconv.Itoa(i)), resp)
		}
		assert.True(t, it.Cancel())
		_, err = drain(it)
		grpctest.AssertStatus(t, err, grpc.Cancelled, "Locally cancelled by application!")
		assert.Equal(t, "cancelled", report(t, "cancel-bidi"))

		// Cancelling the context of WithContext.
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		it, err = grpc.NewUnaryStream[[]byte, []byte](ch, pyMethod("Endless")).Call([]byte("cancel-ctx"), callTimeout, grpc.WithContext(ctx))
		require.NoError(t, err)
		_, err = it.Next()
		require.NoError(t, err)
		cancel()
		_, err = drain(it)
		grpctest.AssertStatus(t, err, grpc.Cancelled, "Locally cancelled by application!")
		assert.Equal(t, "cancelled", report(t, "cancel-ctx"))
	})

	t.Run("Deadline", func(t *testing.T) {
		deadline := grpc.Timeout(200 * time.Millisecond)
		check := func(t *testing.T, name string, start time.Time, err error) {
			t.Helper()
			grpctest.AssertStatus(t, err, grpc.DeadlineExceeded, "Deadline Exceeded")
			assert.GreaterOrEqual(t, time.Since(start), 190*time.Millisecond, "ended early")
			assert.Equal(t, "deadline", report(t, name), "how the server saw the RPC end")
		}

		start := time.Now()
		it, err := grpc.NewUnaryStream[[]byte, []byte](ch, pyMethod("Endless")).Call([]byte("deadline"), deadline)
		require.NoError(t, err)
		got, err := drain(it)
		check(t, "deadline", start, err)
		assert.NotEmpty(t, got)
		assert.Equal(t, counting(len(got)), got)
		assert.Equal(t, grpc.DeadlineExceeded, it.Code())

		// A request stream that never ends.
		blocked := make(chan struct{})
		defer close(blocked)
		start = time.Now()
		_, err = grpc.NewStreamUnary[[]byte, []byte](ch, pyMethod("EndlessJoin")).Call(func(yield func([]byte) bool) {
			if yield([]byte("deadline-join")) {
				for yield([]byte("again")) {
				}
			}
		}, deadline)
		check(t, "deadline-join", start, err)

		start = time.Now()
		it, err = grpc.NewStreamStream[[]byte, []byte](ch, pyMethod("EndlessBidi")).Call(func(yield func([]byte) bool) {
			if yield([]byte("deadline-bidi")) {
				<-blocked
			}
		}, deadline)
		require.NoError(t, err)
		got, err = drain(it)
		check(t, "deadline-bidi", start, err)
		assert.Equal(t, counting(len(got)), got)
	})
}
