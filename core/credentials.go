package core

import (
	"errors"

	"github.com/grpcio-go/grpcio/cgo"
)

// CallCredentials describes per-call credentials. As grpcio's credential
// objects do, it keeps Go values and builds the C object each time a call
// uses it; the call keeps its own reference and the built one is released
// at once.
type CallCredentials struct {
	accessToken string
	parts       []*CallCredentials
}

// AccessTokenCallCredentials sends "authorization: Bearer <token>".
func AccessTokenCallCredentials(token string) *CallCredentials {
	return &CallCredentials{accessToken: token}
}

// CompositeCallCredentials applies several call credentials in order.
func CompositeCallCredentials(parts ...*CallCredentials) (*CallCredentials, error) {
	if len(parts) < 2 {
		return nil, errors.New("composite call credentials need at least two credentials")
	}
	return &CallCredentials{parts: parts}, nil
}

// build makes the C credentials; the caller releases them.
func (c *CallCredentials) build() *cgo.CallCredentials {
	if len(c.parts) == 0 {
		return cgo.NewAccessTokenCallCredentials(c.accessToken)
	}
	acc := c.parts[0].build()
	for _, p := range c.parts[1:] {
		next := p.build()
		comp := cgo.NewCompositeCallCredentials(acc, next)
		acc.Release()
		next.Release()
		acc = comp
	}
	return acc
}

// ChannelCredentials describes a channel's credentials: TLS with optional
// client certificate, plus call credentials applied to every call. Like
// CallCredentials, the C object is built when a channel is created.
type ChannelCredentials struct {
	rootCerts, privateKey, certChain []byte
	calls                            []*CallCredentials
}

// SSLChannelCredentials describes TLS: root certificates (nil: C-core's
// defaults) and an optional client key and certificate chain (PEM).
func SSLChannelCredentials(rootCerts, privateKey, certChain []byte) *ChannelCredentials {
	return &ChannelCredentials{rootCerts: rootCerts, privateKey: privateKey, certChain: certChain}
}

// WithCallCredentials returns a copy of c that also applies calls to every
// call of the channel.
func (c *ChannelCredentials) WithCallCredentials(calls ...*CallCredentials) *ChannelCredentials {
	d := *c
	d.calls = append(append([]*CallCredentials(nil), c.calls...), calls...)
	return &d
}

func (c *ChannelCredentials) build() *cgo.ChannelCredentials {
	creds := cgo.NewSSLChannelCredentials(c.rootCerts, c.privateKey, c.certChain)
	if len(c.calls) == 0 {
		return creds
	}
	var call *cgo.CallCredentials
	if len(c.calls) == 1 {
		call = c.calls[0].build()
	} else {
		call = (&CallCredentials{parts: c.calls}).build()
	}
	comp := cgo.NewCompositeChannelCredentials(creds, call)
	creds.Release()
	call.Release()
	return comp
}

// KeyCertPair is a PEM private key and its certificate chain.
type KeyCertPair = cgo.KeyCertPair

// ServerCredentials describes a server port's TLS configuration.
type ServerCredentials struct {
	rootCerts         []byte
	pairs             []KeyCertPair
	requireClientAuth bool
}

// SSLServerCredentials describes TLS for a server: its key and certificate
// pairs, and the roots client certificates must chain to when
// requireClientAuth is set.
func SSLServerCredentials(pairs []KeyCertPair, rootCerts []byte, requireClientAuth bool) *ServerCredentials {
	return &ServerCredentials{rootCerts: rootCerts, pairs: pairs, requireClientAuth: requireClientAuth}
}

func (c *ServerCredentials) build() *cgo.ServerCredentials {
	return cgo.NewSSLServerCredentials(c.rootCerts, c.pairs, c.requireClientAuth)
}
