package grpc_test

import (
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestStreamUnaryFuture(t *testing.T) {
	release := make(chan struct{})
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Count": grpc.StreamUnaryRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) ([]byte, error) {
			n := 0
			for _, err := range reqs {
				if err != nil {
					return nil, err
				}
				n++
			}
			select {
			case <-release:
			case <-ctx.Done():
			}
			ctx.SetTrailingMetadata(grpc.Metadata{{"n", fmt.Sprint(n)}})
			return []byte(fmt.Sprint(n)), nil
		}, nil, nil),
	})
	mc := grpc.NewStreamUnary[[]byte, []byte](ch, method("Count"))
	f := mc.Future(bytesSeq(numbered(7)...))
	ended := make(chan struct{})
	assert.True(t, f.AddCallback(func() { close(ended) }))
	done := make(chan *grpc.Future[[]byte], 1)
	f.AddDoneCallback(func(f *grpc.Future[[]byte]) { done <- f })
	_, err := f.Result(50 * time.Millisecond)
	assert.ErrorIs(t, err, grpc.FutureTimeoutError)
	assert.True(t, f.IsActive())
	close(release)
	resp, err := f.Result(-1)
	require.NoError(t, err)
	assert.Equal(t, "7", string(resp))
	assert.Same(t, f, <-done)
	<-ended
	assert.Equal(t, grpc.Metadata{{"n", "7"}}, f.TrailingMetadata())
	assert.Equal(t, grpc.OK, f.Code())
	assert.NoError(t, f.Exception(0))
	assert.False(t, f.AddCallback(func() {}))

	// Cancelling a stream-unary future.
	f = mc.Future(func(yield func([]byte) bool) {
		for yield([]byte("more")) {
			time.Sleep(time.Millisecond)
		}
	})
	time.Sleep(20 * time.Millisecond)
	assert.True(t, f.Cancel())
	_, err = f.Result(-1)
	assert.ErrorIs(t, err, grpc.FutureCancelledError)
	assert.Equal(t, grpc.Cancelled, f.Code())
}
