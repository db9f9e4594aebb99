package grpc_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
)

func TestServicerContextAccessors(t *testing.T) {
	type seen struct {
		peer          string
		method        string
		activeBefore  bool
		secondInitial error
		callbackAdded bool
		remaining     time.Duration
		code          grpc.StatusCode
		details       string
		trailing      grpc.Metadata
		errBeforeEnd  error
	}
	got := make(chan seen, 1)
	ended := make(chan struct{})
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Ctx": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			var s seen
			s.peer, s.method = ctx.Peer(), ctx.Method()
			s.activeBefore = ctx.IsActive()
			s.remaining = ctx.TimeRemaining()
			s.errBeforeEnd = ctx.Err()
			if err := ctx.SendInitialMetadata(grpc.Metadata{{"a", "1"}}); err != nil {
				return nil, err
			}
			s.secondInitial = ctx.SendInitialMetadata(grpc.Metadata{{"b", "2"}})
			s.callbackAdded = ctx.AddCallback(func() { close(ended) })
			ctx.SetCode(grpc.OK)
			ctx.SetDetails("all good")
			ctx.SetTrailingMetadata(grpc.Metadata{{"t", "3"}})
			s.code, s.details, s.trailing = ctx.Code(), ctx.Details(), ctx.TrailingMetadata()
			got <- s
			return req, nil
		}, nil, nil),
	})
	_, call, err := ch.UnaryUnary(method("Ctx")).WithCall([]byte("x"))
	require.NoError(t, err)
	s := <-got
	assert.True(t, strings.HasPrefix(s.peer, "ipv4:127.0.0.1:"), s.peer)
	assert.Equal(t, method("Ctx"), s.method)
	assert.True(t, s.activeBefore)
	assert.Equal(t, grpc.NoDeadline, s.remaining)
	assert.NoError(t, s.errBeforeEnd)
	var usage *grpc.UsageError
	require.True(t, errors.As(s.secondInitial, &usage), "got %v", s.secondInitial)
	assert.Equal(t, "Initial metadata no longer allowed!", s.secondInitial.Error())
	assert.True(t, s.callbackAdded)
	assert.Equal(t, grpc.OK, s.code)
	assert.Equal(t, "all good", s.details)
	assert.Equal(t, grpc.Metadata{{"t", "3"}}, s.trailing)
	assert.Equal(t, grpc.Metadata{{"a", "1"}}, call.InitialMetadata())
	assert.Equal(t, grpc.Metadata{{"t", "3"}}, call.TrailingMetadata())
	assert.Equal(t, "all good", call.Details())
	select {
	case <-ended:
	case <-time.After(5 * time.Second):
		t.Fatal("AddCallback's callback did not run when the RPC ended")
	}
}

func TestServicerContextCancel(t *testing.T) {
	after := make(chan bool, 1)
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Cancel": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			ctx.Cancel()
			<-ctx.Done()
			after <- ctx.IsActive()
			return req, nil
		}, nil, nil),
	})
	_, err := ch.UnaryUnary(method("Cancel")).Call([]byte("x"))
	assert.Equal(t, grpc.Cancelled, rpcError(t, err).Code())
	assert.False(t, <-after)
}
