package cgo

/*
#include "grpcgo.h"
*/
import "C"

import "errors"

// CallError is a grpc_call_error other than GRPC_CALL_OK: C-core refused an
// operation because of local misuse. It never describes an RPC's status.
type CallError int

// Error gives C-core's text for the code (grpc_call_error_to_string).
func (e CallError) Error() string {
	return "grpc_call_error: " + C.GoString(C.grpc_call_error_to_string(C.grpc_call_error(e)))
}

// Call errors that callers test for.
const (
	CallErrorInvalidMetadata CallError = C.GRPC_CALL_ERROR_INVALID_METADATA
	CallErrorTooManyOps      CallError = C.GRPC_CALL_ERROR_TOO_MANY_OPERATIONS
)

func callError(rc C.grpc_call_error) error {
	if rc == C.GRPC_CALL_OK {
		return nil
	}
	return CallError(rc)
}

// ErrCreate is returned when C-core returns NULL from a constructor.
var ErrCreate = errors.New("cgo: C-core could not create the object")
