package grpc_test

import (
	"fmt"
	"net"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
	"github.com/grpcio-go/grpcio/internal/testcerts"
)

// authSeen is what a TLS test handler saw of its caller.
type authSeen struct {
	identities [][]byte
	key        string
	hasKey     bool
	auth       map[string][][]byte
	token      string
}

// startTLSServer serves Echo over TLS and reports what each call saw.
func startTLSServer(t *testing.T, certs *testcerts.Set, requireClientAuth bool) (int, chan authSeen) {
	t.Helper()
	seen := make(chan authSeen, 10)
	s, err := grpc.NewServer(grpc.Handlers(grpc.MethodHandlersGenericHandler(testService, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			key, ok := ctx.PeerIdentityKey()
			token, _ := ctx.InvocationMetadata().Get("authorization")
			seen <- authSeen{ctx.PeerIdentities(), key, ok, ctx.AuthContext(), token}
			return req, nil
		}, nil, nil),
	})))
	require.NoError(t, err)
	var root []byte
	if requireClientAuth {
		root = certs.CA
	}
	creds, err := grpc.SSLServerCredentials([]grpc.PrivateKeyCertificateChainPair{{certs.ServerKey, certs.ServerCert}}, root, requireClientAuth)
	require.NoError(t, err)
	port, err := s.AddSecurePort("127.0.0.1:0", creds)
	require.NoError(t, err)
	require.NoError(t, s.Start())
	t.Cleanup(func() { <-s.Stop(0) })
	return port, seen
}

func secureDial(t *testing.T, target string, creds *grpc.ChannelCredentials, opts ...grpc.ChannelOption) *grpc.Channel {
	t.Helper()
	ch, err := grpc.SecureChannel(target, creds, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { ch.Close() })
	return ch
}

func TestTLS(t *testing.T) {
	leakcheck.Check(t)
	certs := testcerts.New(t)
	port, seen := startTLSServer(t, certs, false)
	creds := grpc.SSLChannelCredentials(certs.CA, nil, nil)
	for _, c := range []struct {
		target string
		opts   []grpc.ChannelOption
	}{
		{fmt.Sprintf("localhost:%d", port), nil},
		// grpcio's tests reach 127.0.0.1 and check the name foo.test.google.fr.
		{fmt.Sprintf("127.0.0.1:%d", port), []grpc.ChannelOption{grpc.Options{{"grpc.ssl_target_name_override", "foo.test.google.fr"}}}},
	} {
		ch := secureDial(t, c.target, creds, c.opts...)
		resp, err := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo")).Call([]byte("over tls"))
		require.NoError(t, err, c.target)
		assert.Equal(t, "over tls", string(resp))
		s := <-seen
		// grpcio's _auth_context_test.testSecureNoCert.
		assert.Nil(t, s.identities)
		assert.False(t, s.hasKey)
		assert.Equal(t, map[string][][]byte{
			"security_level":          {[]byte("TSI_PRIVACY_AND_INTEGRITY")},
			"transport_security_type": {[]byte("ssl")},
			"ssl_session_reused":      {[]byte("false")},
		}, s.auth)
	}

	// A name the certificate does not carry, an unknown CA, and no TLS at
	// all are refused.
	wrongName := secureDial(t, fmt.Sprintf("127.0.0.1:%d", port), creds, grpc.Options{{"grpc.ssl_target_name_override", "not.in.the.cert"}})
	_, err := wrongName.UnaryUnary(method("Echo")).Call([]byte("x"))
	assert.Equal(t, grpc.Unavailable, rpcError(t, err).Code(), "%v", err)
	other := testcerts.New(t)
	strangers := secureDial(t, fmt.Sprintf("localhost:%d", port), grpc.SSLChannelCredentials(other.CA, nil, nil))
	_, err = strangers.UnaryUnary(method("Echo")).Call([]byte("x"))
	assert.Equal(t, grpc.Unavailable, rpcError(t, err).Code(), "%v", err)
	plain := dial(t, fmt.Sprintf("localhost:%d", port))
	_, err = plain.UnaryUnary(method("Echo")).Call([]byte("x"))
	assert.Equal(t, grpc.Unavailable, rpcError(t, err).Code(), "%v", err)
	assert.Empty(t, seen)
}

func TestMutualTLS(t *testing.T) {
	leakcheck.Check(t)
	certs := testcerts.New(t)
	port, seen := startTLSServer(t, certs, true)
	target := fmt.Sprintf("localhost:%d", port)
	mtls := grpc.SSLChannelCredentials(certs.CA, certs.ClientKey, certs.ClientCert)
	resp, err := grpc.NewUnaryUnary[[]byte, []byte](secureDial(t, target, mtls), method("Echo")).Call([]byte("mutual"))
	require.NoError(t, err)
	assert.Equal(t, "mutual", string(resp))
	s := <-seen
	// grpcio's _auth_context_test.testSecureClientCert.
	ids := make([]string, len(s.identities))
	for i, id := range s.identities {
		ids[i] = string(id)
	}
	slices.Sort(ids)
	assert.Equal(t, testcerts.ClientNames, ids)
	assert.True(t, s.hasKey)
	assert.Equal(t, "x509_subject_alternative_name", s.key)
	assert.Equal(t, [][]byte{[]byte("ssl")}, s.auth["transport_security_type"])
	assert.Equal(t, [][]byte{[]byte(testcerts.ClientCommonName)}, s.auth["x509_common_name"])

	// Without a client certificate the handshake fails.
	_, err = secureDial(t, target, grpc.SSLChannelCredentials(certs.CA, nil, nil)).UnaryUnary(method("Echo")).Call([]byte("x"))
	assert.Equal(t, grpc.Unavailable, rpcError(t, err).Code(), "%v", err)
}

func TestCallCredentialsOverTLS(t *testing.T) {
	leakcheck.Check(t)
	certs := testcerts.New(t)
	port, seen := startTLSServer(t, certs, false)
	target := fmt.Sprintf("localhost:%d", port)
	tls := grpc.SSLChannelCredentials(certs.CA, nil, nil)
	ch := secureDial(t, target, tls)
	_, err := ch.UnaryUnary(method("Echo")).Call([]byte("x"), grpc.WithCallCredentials(grpc.AccessTokenCallCredentials("per-call")))
	require.NoError(t, err)
	assert.Equal(t, "Bearer per-call", (<-seen).token)

	composite, err := grpc.CompositeChannelCredentials(tls, grpc.AccessTokenCallCredentials("per-channel"))
	require.NoError(t, err)
	_, err = secureDial(t, target, composite).UnaryUnary(method("Echo")).Call([]byte("x"))
	require.NoError(t, err)
	assert.Equal(t, "Bearer per-channel", (<-seen).token)
}

func TestCredentialsValidation(t *testing.T) {
	leakcheck.Check(t)
	certs := testcerts.New(t)
	_, err := grpc.SSLServerCredentials(nil, nil, false)
	assert.EqualError(t, err, "At least one private key-certificate chain pair is required!")
	_, err = grpc.SSLServerCredentials([]grpc.PrivateKeyCertificateChainPair{{certs.ServerKey, certs.ServerCert}}, nil, true)
	assert.EqualError(t, err, "Illegal to require client auth without providing root certificates!")
	_, err = grpc.CompositeChannelCredentials(grpc.SSLChannelCredentials(nil, nil, nil))
	assert.Error(t, err)
	_, err = grpc.SecureChannel("localhost:1", nil)
	assert.Error(t, err)
	s, err := grpc.NewServer()
	require.NoError(t, err)
	defer func() { <-s.Stop(0) }()
	_, err = s.AddSecurePort("127.0.0.1:0", nil)
	assert.Error(t, err)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	creds, err := grpc.SSLServerCredentials([]grpc.PrivateKeyCertificateChainPair{{certs.ServerKey, certs.ServerCert}}, nil, false)
	require.NoError(t, err)
	_, err = s.AddSecurePort(l.Addr().String(), creds)
	assert.EqualError(t, err, fmt.Sprintf("Failed to bind to address %s; set GRPC_VERBOSITY=debug environment variable to see detailed error message.", l.Addr()))
}
