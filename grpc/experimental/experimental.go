// Package experimental mirrors grpc.experimental: APIs grpcio marks as
// experimental.
package experimental

// SingleThreadedUnaryStream mirrors
// grpc.experimental.ChannelOptions.SingleThreadedUnaryStream: with
// grpc.Options{{experimental.SingleThreadedUnaryStream, 1}}, grpcio runs
// unary-stream RPCs on the thread that consumes the responses, with no
// background thread. grpcio-go accepts the option; it changes nothing,
// because the goroutine that calls ResponseIterator.Next already polls
// C-core's queue itself whenever nobody else does.
const SingleThreadedUnaryStream = "SingleThreadedUnaryStream"
