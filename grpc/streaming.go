package grpc

import (
	"iter"
	"time"

	"github.com/grpcio-go/grpcio/core"
)

// startStream starts a call of a streaming shape; with unary, req is its
// one request and the client half-closes at once.
func (ch *Channel) startStream(m *core.Method, opts []CallOption, req []byte, unary bool) (*core.ClientCall, time.Time, error) {
	co, ctx, deadline, err := ch.callOptions(opts)
	if err != nil {
		return nil, deadline, err
	}
	if m == nil {
		return nil, deadline, ErrChannelClosed
	}
	cc, err := ch.c.StartCall(ctx, m, &co, req, unary)
	if err != nil {
		return nil, deadline, invocationError(err)
	}
	return cc, deadline, nil
}

// UnaryStreamMultiCallable mirrors grpc.UnaryStreamMultiCallable: one
// request, a stream of responses. Safe for concurrent use.
type UnaryStreamMultiCallable[Req, Resp any] struct{ multiCallable[Req, Resp] }

// UnaryStream mirrors Channel.unary_stream: a multi-callable on raw values
// (see UnaryUnary for the serializer rules).
func (ch *Channel) UnaryStream(method string, opts ...MethodOption) *UnaryStreamMultiCallable[any, any] {
	return NewUnaryStream[any, any](ch, method, opts...)
}

// NewUnaryStream is the typed form of Channel.UnaryStream.
func NewUnaryStream[Req, Resp any](ch *Channel, method string, opts ...MethodOption) *UnaryStreamMultiCallable[Req, Resp] {
	return &UnaryStreamMultiCallable[Req, Resp]{newMultiCallable[Req, Resp](ch, method, opts)}
}

// Call mirrors __call__: it starts the RPC and returns its response stream,
// which is also its Call. An error means the RPC did not start.
func (mc *UnaryStreamMultiCallable[Req, Resp]) Call(req Req, opts ...CallOption) (*ResponseIterator[Resp], error) {
	b, err := serializeSafely(mc.ser, req)
	if err != nil {
		return nil, &RpcError{code: Internal, details: detailsSerializeRequest}
	}
	cc, deadline, err := mc.ch.startStream(mc.m, opts, b, true)
	if err != nil {
		return nil, err
	}
	return newResponseIterator(cc, mc.deser, deadline), nil
}

// StreamUnaryMultiCallable mirrors grpc.StreamUnaryMultiCallable: a stream
// of requests, one response. Safe for concurrent use.
type StreamUnaryMultiCallable[Req, Resp any] struct{ multiCallable[Req, Resp] }

// StreamUnary mirrors Channel.stream_unary: a multi-callable on raw values
// (see UnaryUnary for the serializer rules).
func (ch *Channel) StreamUnary(method string, opts ...MethodOption) *StreamUnaryMultiCallable[any, any] {
	return NewStreamUnary[any, any](ch, method, opts...)
}

// NewStreamUnary is the typed form of Channel.StreamUnary.
func NewStreamUnary[Req, Resp any](ch *Channel, method string, opts ...MethodOption) *StreamUnaryMultiCallable[Req, Resp] {
	return &StreamUnaryMultiCallable[Req, Resp]{newMultiCallable[Req, Resp](ch, method, opts)}
}

// Call mirrors __call__: the requests are consumed on their own goroutine
// while the caller waits for the response. A non-OK status comes back as
// *RpcError.
func (mc *StreamUnaryMultiCallable[Req, Resp]) Call(reqs iter.Seq[Req], opts ...CallOption) (Resp, error) {
	resp, _, err := mc.WithCall(reqs, opts...)
	return resp, err
}

// WithCall mirrors with_call: the response and the ended Call, or only the
// *RpcError.
func (mc *StreamUnaryMultiCallable[Req, Resp]) WithCall(reqs iter.Seq[Req], opts ...CallOption) (Resp, Call, error) {
	cc, _, err := mc.ch.startStream(mc.m, opts, nil, false)
	if err != nil {
		var zero Resp
		return zero, nil, err
	}
	sendRequests(cc, reqs, mc.ser)
	return streamUnaryOutcome(cc, mc.deser)
}

// Future mirrors future: it starts the RPC and returns at once.
func (mc *StreamUnaryMultiCallable[Req, Resp]) Future(reqs iter.Seq[Req], opts ...CallOption) *Future[Resp] {
	cc, deadline, err := mc.ch.startStream(mc.m, opts, nil, false)
	f := newFuture[Resp](deadline)
	if err != nil {
		f.fail(err)
		return f
	}
	f.mu.Lock()
	f.call = cc
	f.mu.Unlock()
	sendRequests(cc, reqs, mc.ser)
	go func() {
		resp, call, err := streamUnaryOutcome(cc, mc.deser)
		f.finish(resp, call, err)
	}()
	return f
}

// streamUnaryOutcome waits for the one response and the status.
func streamUnaryOutcome[Resp any](cc *core.ClientCall, deser Deserializer[Resp]) (Resp, Call, error) {
	msg, ok := cc.RecvMessage()
	st := cc.Status()
	return unaryOutcome(deser, core.UnaryResult{
		InitialMetadata: cc.InitialMetadata(),
		Response:        msg,
		HasResponse:     ok,
		Status:          st,
	})
}

// StreamStreamMultiCallable mirrors grpc.StreamStreamMultiCallable: streams
// both ways. Safe for concurrent use.
type StreamStreamMultiCallable[Req, Resp any] struct{ multiCallable[Req, Resp] }

// StreamStream mirrors Channel.stream_stream: a multi-callable on raw values
// (see UnaryUnary for the serializer rules).
func (ch *Channel) StreamStream(method string, opts ...MethodOption) *StreamStreamMultiCallable[any, any] {
	return NewStreamStream[any, any](ch, method, opts...)
}

// NewStreamStream is the typed form of Channel.StreamStream.
func NewStreamStream[Req, Resp any](ch *Channel, method string, opts ...MethodOption) *StreamStreamMultiCallable[Req, Resp] {
	return &StreamStreamMultiCallable[Req, Resp]{newMultiCallable[Req, Resp](ch, method, opts)}
}

// Call mirrors __call__: the requests are consumed on their own goroutine;
// the returned response stream is also the RPC's Call. An error means the
// RPC did not start.
func (mc *StreamStreamMultiCallable[Req, Resp]) Call(reqs iter.Seq[Req], opts ...CallOption) (*ResponseIterator[Resp], error) {
	cc, deadline, err := mc.ch.startStream(mc.m, opts, nil, false)
	if err != nil {
		return nil, err
	}
	sendRequests(cc, reqs, mc.ser)
	return newResponseIterator(cc, mc.deser, deadline), nil
}
