package grpc

import "github.com/grpcio-go/grpcio/core"

// CallCredentials mirrors grpc.CallCredentials: credentials attached to
// individual calls (with WithCallCredentials) or, in a later release, to a
// secure channel. C-core sends them only over a channel whose security level
// allows it; on an insecure channel the call fails with UNAUTHENTICATED.
type CallCredentials struct {
	c *core.CallCredentials
}

// AccessTokenCallCredentials mirrors grpc.access_token_call_credentials:
// every call carries "authorization: Bearer <token>".
func AccessTokenCallCredentials(accessToken string) *CallCredentials {
	return &CallCredentials{c: core.AccessTokenCallCredentials(accessToken)}
}

// CompositeCallCredentials mirrors grpc.composite_call_credentials: the
// given credentials applied in order. It needs at least two.
func CompositeCallCredentials(creds ...*CallCredentials) (*CallCredentials, error) {
	parts := make([]*core.CallCredentials, len(creds))
	for i, c := range creds {
		parts[i] = c.c
	}
	c, err := core.CompositeCallCredentials(parts...)
	if err != nil {
		return nil, &UsageError{"CompositeCallCredentials: " + err.Error()}
	}
	return &CallCredentials{c: c}, nil
}

// WithCallCredentials mirrors the credentials= keyword of a call.
func WithCallCredentials(c *CallCredentials) CallOption { return credentialsOption{c} }

type credentialsOption struct{ c *CallCredentials }

func (o credentialsOption) applyCall(c *callOptions) { c.credentials = o.c }

// ChannelCredentials mirrors grpc.ChannelCredentials: how a secure channel
// authenticates (TLS, with call credentials composed on).
type ChannelCredentials struct {
	c *core.ChannelCredentials
}

// SSLChannelCredentials mirrors grpc.ssl_channel_credentials: TLS with the
// given PEM root certificates (nil: C-core's default roots, or the file
// named by GRPC_DEFAULT_SSL_ROOTS_FILE_PATH), and an optional client private
// key and certificate chain for mutual TLS (nil: none).
func SSLChannelCredentials(rootCertificates, privateKey, certificateChain []byte) *ChannelCredentials {
	return &ChannelCredentials{c: core.SSLChannelCredentials(rootCertificates, privateKey, certificateChain)}
}

// CompositeChannelCredentials mirrors grpc.composite_channel_credentials:
// channel credentials whose every call also carries callCredentials.
func CompositeChannelCredentials(channelCredentials *ChannelCredentials, callCredentials ...*CallCredentials) (*ChannelCredentials, error) {
	if channelCredentials == nil || len(callCredentials) == 0 {
		return nil, &UsageError{"CompositeChannelCredentials needs channel credentials and at least one call credentials"}
	}
	calls := make([]*core.CallCredentials, len(callCredentials))
	for i, c := range callCredentials {
		calls[i] = c.c
	}
	return &ChannelCredentials{c: channelCredentials.c.WithCallCredentials(calls...)}, nil
}

// ServerCredentials mirrors grpc.ServerCredentials: how a server port
// authenticates.
type ServerCredentials struct {
	c *core.ServerCredentials
}

// PrivateKeyCertificateChainPair is one of grpcio's
// private_key_certificate_chain_pairs: a PEM private key and its PEM
// certificate chain. Write it as {key, chain}.
type PrivateKeyCertificateChainPair = struct {
	PrivateKey       []byte
	CertificateChain []byte
}

// SSLServerCredentials mirrors grpc.ssl_server_credentials: TLS with the
// server's key and certificate pairs; with requireClientAuth, clients must
// present a certificate that chains to rootCertificates. It fails with
// grpcio's messages when no pair is given, or when client authentication is
// required without root certificates.
func SSLServerCredentials(pairs []PrivateKeyCertificateChainPair, rootCertificates []byte, requireClientAuth bool) (*ServerCredentials, error) {
	if len(pairs) == 0 {
		return nil, &UsageError{"At least one private key-certificate chain pair is required!"}
	}
	if requireClientAuth && rootCertificates == nil {
		return nil, &UsageError{"Illegal to require client auth without providing root certificates!"}
	}
	kc := make([]core.KeyCertPair, len(pairs))
	for i, p := range pairs {
		kc[i] = core.KeyCertPair{PrivateKey: p.PrivateKey, CertChain: p.CertificateChain}
	}
	return &ServerCredentials{c: core.SSLServerCredentials(kc, rootCertificates, requireClientAuth)}, nil
}
