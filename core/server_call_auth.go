package core

import "github.com/grpcio-go/grpcio/cgo"

// AuthProperty is one property of a call's auth context: a name and its
// value, as C-core's grpc_auth_property.
type AuthProperty = cgo.AuthProperty

// AuthContext is a copy of a call's auth context: every property in C-core's
// order, the peer identities and the name of the peer identity property
// (cygrpc's auth_context, peer_identities and peer_identity_key in one read).
type AuthContext = cgo.AuthContext

// AuthContext reads the call's auth context from C-core in one crossing.
// It is empty once the call has been released (the RPC is over), as it is
// when C-core has no auth context for the call. Safe for concurrent use.
func (c *ServerCall) AuthContext() AuthContext {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.call == nil {
		return AuthContext{}
	}
	ac, _ := c.call.AuthContext()
	return ac
}
