package core

import "github.com/grpcio-go/grpcio/cgo"

// Status codes core uses itself (grpc_status_code; the canonical gRPC values).
const (
	StatusOK                = 0
	StatusCancelled         = 1
	StatusUnknown           = 2
	StatusDeadlineExceeded  = 4
	StatusResourceExhausted = 8
	StatusUnimplemented     = 12
	StatusInternal          = 13
	StatusUnavailable       = 14
)

// grpcio's detail strings that core produces.
const (
	DetailsLocallyCancelled = "Locally cancelled by application!"
	DetailsDeadlineExceeded = "Deadline Exceeded"
)

// DetailsConcurrencyExceeded is grpcio's detail for maximum_concurrent_rpcs.
const DetailsConcurrencyExceeded = "Concurrent RPC limit exceeded!"

// Flags of initial metadata and messages, as C-core defines them.
const (
	FlagWaitForReady            = cgo.InitialMetadataWaitForReady
	FlagWaitForReadyExplicitSet = cgo.InitialMetadataWaitForReadyExplicitSet
	FlagNoCompress              = cgo.WriteNoCompress
)

// Connectivity states, as C-core defines them.
const (
	StateIdle             = cgo.StateIdle
	StateConnecting       = cgo.StateConnecting
	StateReady            = cgo.StateReady
	StateTransientFailure = cgo.StateTransientFailure
	StateShutdown         = cgo.StateShutdown
)

// CoreVersion is C-core's version string.
func CoreVersion() string { return cgo.Version() }

// Live counts the C objects alive in this process (see cgo.Live).
type Live = cgo.Live

// LiveObjects reports the C objects still alive; tests expect none after
// Close/Stop.
func LiveObjects() Live { return cgo.LiveObjects() }

// Initialized reports whether C-core holds any init reference.
func Initialized() bool { return cgo.IsInitialized() }
