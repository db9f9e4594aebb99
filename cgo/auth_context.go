package cgo

/*
#include "grpcgo.h"
*/
import "C"

import "slices"

// AuthProperty is one property of an auth context (grpc_auth_property).
type AuthProperty struct {
	Name  string
	Value []byte
}

// AuthContext is a copy of a call's auth context (grpc_auth_context).
type AuthContext struct {
	// Properties are every property, in C-core's order
	// (grpc_auth_context_property_iterator).
	Properties []AuthProperty
	// PeerIdentities are the values of the peer identity properties
	// (grpc_auth_context_peer_identity); empty when the peer is not
	// authenticated.
	PeerIdentities [][]byte
	// PeerIdentityKey is the name of the peer identity property
	// (grpc_auth_context_peer_identity_property_name), valid when
	// HasPeerIdentityKey is set.
	PeerIdentityKey    string
	HasPeerIdentityKey bool
}

// authBufSize is the first buffer AuthContext offers C; an insecure
// context takes under 100 bytes, a TLS one with its peer's PEM certificate
// a few KiB, which costs a second crossing.
const authBufSize = 1024

// AuthContext reads the call's auth context (grpc_call_auth_context, its
// property iterators and grpc_auth_context_release) in one crossing when it
// fits authBufSize bytes, two otherwise. ok is false when the call has no
// auth context. Safe from any goroutine until Unref.
func (c *Call) AuthContext() (ac AuthContext, ok bool) {
	var info C.grpcgo_auth_info
	buf := make([]byte, authBufSize)
	for {
		need := int(C.grpcgo_call_auth_context(c.c, &info, bytesPtr(buf), C.size_t(len(buf))))
		if need <= len(buf) {
			buf = buf[:need]
			break
		}
		buf = make([]byte, need)
	}
	if info.has_context == 0 {
		return AuthContext{}, false
	}
	// The slices share buf, clipped so that appending to one cannot
	// overwrite the next.
	props := buf[:info.properties_len]
	ids := buf[info.properties_len : info.properties_len+info.identities_len]
	key := buf[info.properties_len+info.identities_len:]
	RangeMetadata(props, func(name, value []byte) {
		ac.Properties = append(ac.Properties, AuthProperty{Name: string(name), Value: slices.Clip(value)})
	})
	RangeMetadata(ids, func(_, value []byte) {
		ac.PeerIdentities = append(ac.PeerIdentities, slices.Clip(value))
	})
	if info.has_identity_key != 0 {
		ac.PeerIdentityKey, ac.HasPeerIdentityKey = string(key), true
	}
	return ac, true
}
