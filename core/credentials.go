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
