package core

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
