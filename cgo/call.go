package cgo

/*
#include "grpcgo.h"
*/
import "C"

import "unsafe"

// Call owns one reference to a grpc_call.
type Call struct {
	c *C.grpc_call
}

// Cancel cancels the call with CANCELLED (grpc_call_cancel). Safe from any
// goroutine until Unref.
func (c *Call) Cancel() error { return callError(C.grpc_call_cancel(c.c, nil)) }

// CancelWithStatus cancels the call with the given status and description
// (grpc_call_cancel_with_status). Safe from any goroutine until Unref.
func (c *Call) CancelWithStatus(code int, details string) error {
	d := C.CString(details)
	defer C.free(unsafe.Pointer(d))
	return callError(C.grpc_call_cancel_with_status(c.c, C.grpc_status_code(code), d, nil))
}

// Peer returns the address of the peer (grpc_call_get_peer), for example
// "ipv4:127.0.0.1:50051".
func (c *Call) Peer() string {
	p := C.grpc_call_get_peer(c.c)
	defer C.gpr_free(unsafe.Pointer(p))
	return C.GoString(p)
}

// Unref drops the reference (grpc_call_unref). Call it once, after the last
// batch on the call has completed.
func (c *Call) Unref() {
	if c.c == nil {
		return
	}
	C.grpc_call_unref(c.c)
	c.c = nil
	live.calls.Add(-1)
}
