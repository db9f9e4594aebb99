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
