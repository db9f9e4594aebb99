package grpc_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
)

// TestAuthContextInsecure ports grpcio's _auth_context_test.testInsecure.
func TestAuthContextInsecure(t *testing.T) {
	type seen struct {
		ids    [][]byte
		key    string
		hasKey bool
		auth   map[string][][]byte
	}
	got := make(chan seen, 1)
	kept := make(chan *grpc.ServicerContext, 1)
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"UnaryUnary": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			var s seen
			s.ids = ctx.PeerIdentities()
			s.key, s.hasKey = ctx.PeerIdentityKey()
			s.auth = ctx.AuthContext()
			got <- s
			kept <- ctx
			return req, nil
		}, nil, nil),
	})
	resp, err := ch.UnaryUnary(method("UnaryUnary")).Call([]byte("\x00\x00\x00"))
	require.NoError(t, err)
	assert.Equal(t, []byte("\x00\x00\x00"), resp)

	s := <-got
	assert.Nil(t, s.ids)
	assert.Equal(t, "", s.key)
	assert.False(t, s.hasKey)
	assert.Equal(t, map[string][][]byte{
		"security_level":          {[]byte("TSI_SECURITY_NONE")},
		"transport_security_type": {[]byte("insecure")},
	}, s.auth)

	// Once the RPC is over and its C call released, the context reads as
	// empty instead of touching C-core.
	ctx := <-kept
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the RPC did not end")
	}
	require.Eventually(t, func() bool { return len(ctx.AuthContext()) == 0 }, 5*time.Second, time.Millisecond)
	assert.Equal(t, map[string][][]byte{}, ctx.AuthContext())
	assert.Nil(t, ctx.PeerIdentities())
	key, ok := ctx.PeerIdentityKey()
	assert.Equal(t, "", key)
	assert.False(t, ok)
}
