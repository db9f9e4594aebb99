package grpc

import (
	"fmt"
	"strconv"
)

// StatusCode mirrors grpc.StatusCode: the canonical gRPC status codes with
// grpcio's names.
type StatusCode int

// Status codes, with grpcio's member names.
const (
	OK                 StatusCode = 0
	Cancelled          StatusCode = 1
	Unknown            StatusCode = 2
	InvalidArgument    StatusCode = 3
	DeadlineExceeded   StatusCode = 4
	NotFound           StatusCode = 5
	AlreadyExists      StatusCode = 6
	PermissionDenied   StatusCode = 7
	ResourceExhausted  StatusCode = 8
	FailedPrecondition StatusCode = 9
	Aborted            StatusCode = 10
	OutOfRange         StatusCode = 11
	Unimplemented      StatusCode = 12
	Internal           StatusCode = 13
	Unavailable        StatusCode = 14
	DataLoss           StatusCode = 15
	Unauthenticated    StatusCode = 16
)

// statusCodes is grpcio's StatusCode table: (value, lower-case name), and
// the member name used in reprs. The inverse lookups derive from it.
var statusCodes = [...]struct{ value, name string }{
	{"ok", "OK"},
	{"cancelled", "CANCELLED"},
	{"unknown", "UNKNOWN"},
	{"invalid argument", "INVALID_ARGUMENT"},
	{"deadline exceeded", "DEADLINE_EXCEEDED"},
	{"not found", "NOT_FOUND"},
	{"already exists", "ALREADY_EXISTS"},
	{"permission denied", "PERMISSION_DENIED"},
	{"resource exhausted", "RESOURCE_EXHAUSTED"},
	{"failed precondition", "FAILED_PRECONDITION"},
	{"aborted", "ABORTED"},
	{"out of range", "OUT_OF_RANGE"},
	{"unimplemented", "UNIMPLEMENTED"},
	{"internal", "INTERNAL"},
	{"unavailable", "UNAVAILABLE"},
	{"data loss", "DATA_LOSS"},
	{"unauthenticated", "UNAUTHENTICATED"},
}

// Valid reports whether c is one of the 17 canonical codes.
func (c StatusCode) Valid() bool { return c >= 0 && int(c) < len(statusCodes) }

// String gives grpcio's lower-case name of the code (StatusCode.X.value[1]),
// e.g. "unavailable".
func (c StatusCode) String() string {
	if !c.Valid() {
		return "StatusCode(" + strconv.Itoa(int(c)) + ")"
	}
	return statusCodes[c].value
}

// Name gives the member name, e.g. "UNAVAILABLE"; grpcio prints codes as
// "StatusCode." + Name.
func (c StatusCode) Name() string {
	if !c.Valid() {
		return strconv.Itoa(int(c))
	}
	return statusCodes[c].name
}

// Value is the integer code (StatusCode.X.value[0]).
func (c StatusCode) Value() int { return int(c) }

// wireCode is the code sent for c: unknown codes become UNKNOWN, as
// grpcio's _application_code does.
func (c StatusCode) wireCode() int {
	if !c.Valid() {
		return int(Unknown)
	}
	return int(c)
}

// statusFromWire maps a received status: a code outside the table becomes
// UNKNOWN with grpcio's 'Server sent unknown code N and details "..."'.
func statusFromWire(code int, details string) (StatusCode, string) {
	c := StatusCode(code)
	if !c.Valid() {
		return Unknown, fmt.Sprintf(unknownCodeDetailsFmt, code, details)
	}
	return c, details
}
