package grpc

import (
	"errors"
	"fmt"
)

// RpcError mirrors grpc.RpcError (grpcio's _InactiveRpcError): an RPC that
// ended with a non-OK status. Like grpcio's, it is also a Call whose
// metadata and status can be read. Use errors.As to get it from an error.
type RpcError struct {
	code             StatusCode
	details          string
	initialMetadata  Metadata
	trailingMetadata Metadata
	debugErrorString string
}

// Code is the RPC's status code.
func (e *RpcError) Code() StatusCode { return e.code }

// Details is the RPC's status details.
func (e *RpcError) Details() string { return e.details }

// InitialMetadata is the metadata the server sent first (nil if none).
func (e *RpcError) InitialMetadata() Metadata { return e.initialMetadata }

// TrailingMetadata is the metadata that came with the status.
func (e *RpcError) TrailingMetadata() Metadata { return e.trailingMetadata }

// DebugErrorString is C-core's description of the failure, when it gave one.
func (e *RpcError) DebugErrorString() string { return e.debugErrorString }

// Error is grpcio's repr of the error:
//
//	<_InactiveRpcError of RPC that terminated with:
//		status = StatusCode.UNAVAILABLE
//		details = "..."
//		debug_error_string = "..."
//	>
func (e *RpcError) Error() string {
	return rpcStateString("_InactiveRpcError", e.code, e.details, e.debugErrorString)
}

// The repr formats of grpcio's _channel.py.
const (
	okRendezvousReprFormat    = "<%s of RPC that terminated with:\n\tstatus = StatusCode.%s\n\tdetails = \"%s\"\n>"
	nonOKRendezvousReprFormat = "<%s of RPC that terminated with:\n\tstatus = StatusCode.%s\n\tdetails = \"%s\"\n\tdebug_error_string = \"%s\"\n>"
)

func rpcStateString(class string, code StatusCode, details, debug string) string {
	if code == OK {
		return fmt.Sprintf(okRendezvousReprFormat, class, code.Name(), details)
	}
	return fmt.Sprintf(nonOKRendezvousReprFormat, class, code.Name(), details, debug)
}

// grpcio's detail strings, kept byte for byte.
const (
	detailsMethodNotFound          = "Method not found!"
	detailsMethodNotImplemented    = "Method not implemented!"
	detailsExceptionCalling        = "Exception calling application: "
	detailsDeserializeRequest      = "Exception deserializing request!"
	detailsSerializeResponse       = "Failed to serialize response!"
	detailsErrorInServiceHandler   = "Error in service handler!"
	detailsLocallyCancelled        = "Locally cancelled by application!"
	detailsChannelClosed           = "Channel closed!"
	detailsSerializeRequest        = "Exception serializing request!"
	detailsIteratingRequests       = "Exception iterating requests!"
	detailsIteratingResponses      = "Exception iterating responses: "
	detailsDeserializeResponse     = "Exception deserializing response!"
	detailsRequiresOneRequestFmt   = "%q requires exactly one request message."
	detailsConcurrencyExceeded     = "Concurrent RPC limit exceeded!"
	detailsRPCAborted              = "RPC Aborted"
	unknownCodeDetailsFmt          = "Server sent unknown code %d and details \"%s\""
	bindFailureFmt                 = "Failed to bind to address %s; set GRPC_VERBOSITY=debug environment variable to see detailed error message."
	invalidMetadataPrefix          = "metadata was invalid: "
	cannotInvokeOnClosedChannel    = "Cannot invoke RPC: Channel closed!"
	cannotStartStartedServer       = "Cannot start already-started server!"
	initialMetadataNoLongerAllowed = "Initial metadata no longer allowed!"
)

// Errors of futures, comparable with errors.Is: grpc.FutureTimeoutError and
// grpc.FutureCancelledError.
var (
	FutureTimeoutError   = errors.New("grpc: the future did not complete within the timeout")
	FutureCancelledError = errors.New("grpc: the future was cancelled")
)

// ErrChannelClosed is returned when an RPC is invoked on a closed channel;
// grpcio raises ValueError with the same text.
var ErrChannelClosed = errors.New(cannotInvokeOnClosedChannel)

// UsageError mirrors grpc.experimental.UsageError: the API was misused.
type UsageError struct{ msg string }

// Error is the description of the misuse.
func (e *UsageError) Error() string { return e.msg }

// InvalidMetadataError reports metadata that C-core would refuse; nothing
// was sent. grpcio raises ValueError("metadata was invalid: ...").
type InvalidMetadataError struct {
	Metadata Metadata
	Reason   string
}

// Error gives grpcio's text: "metadata was invalid: ...".
func (e *InvalidMetadataError) Error() string {
	return fmt.Sprintf("%s%v (%s)", invalidMetadataPrefix, e.Metadata, e.Reason)
}
