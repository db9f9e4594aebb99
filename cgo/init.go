package cgo

/*
#cgo pkg-config: grpc
#cgo CFLAGS: -Wall -Werror
#include "grpcgo.h"
*/
import "C"

import "sync/atomic"

// LinkInfo records how C-core was linked into this binary.
const LinkInfo = "system C-core via pkg-config grpc (dynamic)"

// Live counts C objects owned by this package that have not been released.
// Tests compare it with zero after Close/Stop.
type Live struct {
	Inits            int64 // grpc_init calls without their grpc_shutdown
	CompletionQueues int64
	Channels         int64
	Calls            int64
	Servers          int64
	Batches          int64
	Requests         int64
	Credentials      int64
}

var live struct {
	inits, cqs, channels, calls, servers, batches, requests, credentials atomic.Int64
}

// LiveObjects reports the C objects owned by this package that are still alive.
func LiveObjects() Live {
	return Live{
		Inits:            live.inits.Load(),
		CompletionQueues: live.cqs.Load(),
		Channels:         live.channels.Load(),
		Calls:            live.calls.Load(),
		Servers:          live.servers.Load(),
		Batches:          live.batches.Load(),
		Requests:         live.requests.Load(),
		Credentials:      live.credentials.Load(),
	}
}

// Init takes one reference on C-core's library state (grpc_init). Every Init
// must be balanced by one Shutdown.
func Init() {
	live.inits.Add(1)
	C.grpc_init()
}

// Shutdown drops one reference taken by Init (grpc_shutdown_blocking); the
// last one tears C-core down before returning.
func Shutdown() {
	live.inits.Add(-1)
	C.grpc_shutdown_blocking()
}

// IsInitialized reports whether C-core holds any init reference
// (grpc_is_initialized), whoever took it.
func IsInitialized() bool { return C.grpc_is_initialized() != 0 }

// Version is C-core's version string (grpc_version_string).
func Version() string { return C.GoString(C.grpc_version_string()) }
