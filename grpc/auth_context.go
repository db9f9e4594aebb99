package grpc

// PeerIdentities mirrors ServicerContext.peer_identities: the values of the
// peer's identity properties (for TLS with a client certificate, its subject
// alternative names), or nil, grpcio's None, when the peer is not
// authenticated. Each call reads the auth context from C-core afresh; after
// the RPC is over it returns nil. Safe for concurrent use.
func (c *ServicerContext) PeerIdentities() [][]byte {
	ids := c.call.AuthContext().PeerIdentities
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// PeerIdentityKey mirrors ServicerContext.peer_identity_key: the name of
// the auth context property that identifies the peer, for example
// "x509_subject_alternative_name". ok is false where grpcio returns None: the
// peer is not authenticated, or the RPC is over. Safe for concurrent use.
func (c *ServicerContext) PeerIdentityKey() (key string, ok bool) {
	ac := c.call.AuthContext()
	return ac.PeerIdentityKey, ac.HasPeerIdentityKey
}

// AuthContext mirrors ServicerContext.auth_context: every property of the
// call's auth context, by name, with the values of repeated names in C-core's
// order. On an insecure connection it is
// {"security_level": {"TSI_SECURITY_NONE"}, "transport_security_type":
// {"insecure"}}. It is empty (not nil) when there is no auth context or the
// RPC is over. The map and slices are the caller's. Safe for concurrent use.
func (c *ServicerContext) AuthContext() map[string][][]byte {
	props := c.call.AuthContext().Properties
	m := make(map[string][][]byte, len(props))
	for _, p := range props {
		m[p.Name] = append(m[p.Name], p.Value)
	}
	return m
}
