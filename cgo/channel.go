package cgo

/*
#include "grpcgo.h"
*/
import "C"

import (
	"errors"
	"time"
	"unsafe"
)

// Channel owns a grpc_channel.
type Channel struct {
	ch *C.grpc_channel
}

// RegisteredCall is a method registered on a channel
// (grpc_channel_register_call); it lives as long as the channel.
type RegisteredCall struct{ p unsafe.Pointer }

// NewInsecureChannel creates a channel with insecure credentials
// (grpc_channel_create with grpc_insecure_credentials_create).
func NewInsecureChannel(target string, args []ChannelArg) (*Channel, error) {
	ca, err := channelArgs(args)
	if err != nil {
		return nil, err
	}
	defer C.grpcgo_args_free(ca)
	t := C.CString(target)
	defer C.free(unsafe.Pointer(t))
	ch := C.grpcgo_insecure_channel_create(t, ca)
	if ch == nil {
		return nil, ErrCreate
	}
	live.channels.Add(1)
	return &Channel{ch: ch}, nil
}

// NewSecureChannel creates a channel with the given credentials
// (grpc_channel_create); the channel takes its own reference.
func NewSecureChannel(target string, creds *ChannelCredentials, args []ChannelArg) (*Channel, error) {
	ca, err := channelArgs(args)
	if err != nil {
		return nil, err
	}
	defer C.grpcgo_args_free(ca)
	t := C.CString(target)
	defer C.free(unsafe.Pointer(t))
	ch := C.grpc_channel_create(t, creds.c, ca)
	if ch == nil {
		return nil, ErrCreate
	}
	live.channels.Add(1)
	return &Channel{ch: ch}, nil
}

// Target returns the channel's target (grpc_channel_get_target).
func (c *Channel) Target() string {
	p := C.grpc_channel_get_target(c.ch)
	defer C.gpr_free(unsafe.Pointer(p))
	return C.GoString(p)
}

// RegisterCall registers method with C-core so that calls to it skip
// per-call path handling (grpc_channel_register_call).
func (c *Channel) RegisterCall(method string) RegisteredCall {
	m := C.CString(method)
	defer C.free(unsafe.Pointer(m))
	return RegisteredCall{p: C.grpc_channel_register_call(c.ch, m, nil, nil)}
}

// ErrCallCreate is returned when C-core gives no call (the channel is being
// destroyed).
var ErrCallCreate = errors.New("cgo: C-core could not create the call")

// CreateCall creates a call on the channel whose batches complete on cq
// (grpc_channel_create_registered_call when reg is set, else
// grpc_channel_create_call). A negative timeout means no deadline.
func (c *Channel) CreateCall(cq *CompletionQueue, reg RegisteredCall, method string, timeout time.Duration) (*Call, error) {
	var mp *C.char
	if reg.p == nil && len(method) > 0 {
		mp = (*C.char)(unsafe.Pointer(unsafe.StringData(method)))
	}
	call := C.grpcgo_channel_create_call(c.ch, cq.cq, reg.p, mp, C.size_t(len(method)), C.int64_t(timeout))
	if call == nil {
		return nil, ErrCallCreate
	}
	live.calls.Add(1)
	return &Call{c: call}, nil
}

// Connectivity states (grpc_connectivity_state).
const (
	StateIdle             = int(C.GRPC_CHANNEL_IDLE)
	StateConnecting       = int(C.GRPC_CHANNEL_CONNECTING)
	StateReady            = int(C.GRPC_CHANNEL_READY)
	StateTransientFailure = int(C.GRPC_CHANNEL_TRANSIENT_FAILURE)
	StateShutdown         = int(C.GRPC_CHANNEL_SHUTDOWN)
)

// CheckConnectivityState returns the channel's state
// (grpc_channel_check_connectivity_state).
func (c *Channel) CheckConnectivityState(tryToConnect bool) int {
	t := C.int(0)
	if tryToConnect {
		t = 1
	}
	return int(C.grpc_channel_check_connectivity_state(c.ch, t))
}

// WatchConnectivityState asks for tag on cq when the state differs from last
// or the timeout passes (grpc_channel_watch_connectivity_state).
func (c *Channel) WatchConnectivityState(last int, timeout time.Duration, cq *CompletionQueue, tag uintptr) {
	C.grpcgo_channel_watch(c.ch, C.int(last), C.int64_t(timeout), cq.cq, C.uintptr_t(tag))
}

// Destroy releases the channel (grpc_channel_destroy). Calls still alive keep
// C-core's internal channel state until they are unreffed.
func (c *Channel) Destroy() {
	if c.ch == nil {
		return
	}
	C.grpc_channel_destroy(c.ch)
	c.ch = nil
	live.channels.Add(-1)
}
