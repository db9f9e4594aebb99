// Package grpc is grpcio-go's synchronous API: Python's grpc module, object
// for object, over gRPC C-core.
//
// A grpcio program translates line by line: grpc.insecure_channel becomes
// InsecureChannel, channel.unary_unary becomes Channel.UnaryUnary (or the
// typed NewUnaryUnary), grpc.server becomes NewServer, and so on. Keyword
// arguments become functional options named after the keyword (Timeout,
// WithMetadata, WaitForReady, WithCompression, Options); exceptions become
// errors (*RpcError and friends). Statuses, details and metadata are the
// ones grpcio produces.
//
// # Invocation side
//
// A Channel is safe for concurrent use; its multi-callables are too. Call
// blocks until the RPC ends, WithCall also returns the Call, and Future
// returns at once with a Future that is also a Call.
//
// # Service side
//
// A Server runs handlers on a pool of MaxWorkers goroutines; each handler
// gets a *ServicerContext, which is also the RPC's context.Context. A
// handler's returned error or panic ends the RPC with UNKNOWN
// "Exception calling application: ..." and the server keeps serving.
package grpc
