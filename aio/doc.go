// Package aio is grpcio-go's asynchronous API: the counterpart of grpcio's
// grpc.aio, written in Go's idiom. It is yet to come; this file only
// reserves the package and states its shape.
//
// Where grpc.aio has coroutines to await, aio has calls that block and take
// a context.Context first: the context's deadline and cancellation apply to
// the call, as cancelling an awaited task does in asyncio. Names are grpcio's
// (grpc.aio.insecure_channel becomes aio.InsecureChannel, grpc.aio.server
// becomes aio.NewServer), with the same keyword-argument options, statuses
// and errors as package grpc.
//
// # Invocation side
//
//	resp, err := mc.Call(ctx, req, opts...)  // await stub.Method(req)
//	msg, err := call.Read(ctx)               // await call.read()
//	err := call.Write(ctx, msg)              // await call.write(msg)
//	err := call.DoneWriting(ctx)             // await call.done_writing()
//
// # Service side
//
// Handlers take the RPC's *aio.ServicerContext, which is a context.Context,
// first: func(ctx *aio.ServicerContext, req Req) (Resp, error), with
// ctx.Read() and ctx.Write(msg) for streams (grpcio's context.read() and
// context.write()).
package aio
