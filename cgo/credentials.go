package cgo

/*
#include "grpcgo.h"
*/
import "C"

import "unsafe"

// CallCredentials owns a grpc_call_credentials reference.
type CallCredentials struct {
	c *C.grpc_call_credentials
}

// NewAccessTokenCallCredentials makes credentials that send
// "authorization: Bearer <token>" (grpc_access_token_credentials_create).
func NewAccessTokenCallCredentials(token string) *CallCredentials {
	t := C.CString(token)
	defer C.free(unsafe.Pointer(t))
	live.credentials.Add(1)
	return &CallCredentials{c: C.grpc_access_token_credentials_create(t, nil)}
}

// NewCompositeCallCredentials combines two call credentials
// (grpc_composite_call_credentials_create); a and b keep their own
// references.
func NewCompositeCallCredentials(a, b *CallCredentials) *CallCredentials {
	live.credentials.Add(1)
	return &CallCredentials{c: C.grpc_composite_call_credentials_create(a.c, b.c, nil)}
}

// Release drops the reference (grpc_call_credentials_release).
func (cc *CallCredentials) Release() {
	if cc.c == nil {
		return
	}
	C.grpc_call_credentials_release(cc.c)
	cc.c = nil
	live.credentials.Add(-1)
}

// SetCredentials attaches call credentials to a client call before its
// first batch (grpc_call_set_credentials); the call takes its own reference.
func (c *Call) SetCredentials(creds *CallCredentials) error {
	return callError(C.grpc_call_set_credentials(c.c, creds.c))
}
