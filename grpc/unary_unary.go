package grpc

import (
	"github.com/grpcio-go/grpcio/core"
)

// MethodOption configures a multi-callable (grpcio's keyword arguments of
// Channel.unary_unary and friends).
type MethodOption interface{ applyMethod(*methodOptions) }

type methodOptions struct {
	requestSerializer    func(any) ([]byte, error)
	responseDeserializer func([]byte) (any, error)
}

type methodOptionFunc func(*methodOptions)

func (f methodOptionFunc) applyMethod(o *methodOptions) { f(o) }

// RequestSerializer mirrors request_serializer=: how requests become bytes.
// Without it, []byte requests are sent as they are and protobuf messages
// are marshalled.
func RequestSerializer(f func(any) ([]byte, error)) MethodOption {
	return methodOptionFunc(func(o *methodOptions) { o.requestSerializer = f })
}

// ResponseDeserializer mirrors response_deserializer=: how response bytes
// become a response. Without it, untyped multi-callables return []byte.
func ResponseDeserializer(f func([]byte) (any, error)) MethodOption {
	return methodOptionFunc(func(o *methodOptions) { o.responseDeserializer = f })
}

func resolveCodec[Req, Resp any](opts []MethodOption) (Serializer[Req], Deserializer[Resp]) {
	var o methodOptions
	for _, opt := range opts {
		opt.applyMethod(&o)
	}
	ser, deser := defaultSerializer[Req](), defaultDeserializer[Resp]()
	if f := o.requestSerializer; f != nil {
		ser = func(r Req) ([]byte, error) { return f(r) }
	}
	if f := o.responseDeserializer; f != nil {
		deser = func(b []byte) (Resp, error) {
			v, err := f(b)
			if err != nil {
				var z Resp
				return z, err
			}
			r, ok := v.(Resp)
			if !ok {
				var z Resp
				return z, &UsageError{"response deserializer returned a value of the wrong type"}
			}
			return r, nil
		}
	}
	return ser, deser
}

// UnaryUnaryMultiCallable mirrors grpc.UnaryUnaryMultiCallable: it invokes
// one unary-unary method. Safe for concurrent use.
type UnaryUnaryMultiCallable[Req, Resp any] struct{ multiCallable[Req, Resp] }

// multiCallable is what every multi-callable holds: its channel, its method
// registered with C-core, and its codec.
type multiCallable[Req, Resp any] struct {
	ch    *Channel
	m     *core.Method
	ser   Serializer[Req]
	deser Deserializer[Resp]
}

func newMultiCallable[Req, Resp any](ch *Channel, method string, opts []MethodOption) multiCallable[Req, Resp] {
	ser, deser := resolveCodec[Req, Resp](opts)
	return multiCallable[Req, Resp]{ch: ch, m: ch.method(method), ser: ser, deser: deser}
}

// UnaryUnary mirrors Channel.unary_unary: a multi-callable for method
// ("/package.Service/Method") on raw values. Requests must be []byte (or
// protobuf messages) unless a RequestSerializer is given; responses are
// []byte unless a ResponseDeserializer is given.
func (ch *Channel) UnaryUnary(method string, opts ...MethodOption) *UnaryUnaryMultiCallable[any, any] {
	return NewUnaryUnary[any, any](ch, method, opts...)
}

// NewUnaryUnary is the typed form of Channel.UnaryUnary that generated stubs
// use: requests of type Req, responses of type Resp. Protobuf message types
// and []byte need no serializer options.
func NewUnaryUnary[Req, Resp any](ch *Channel, method string, opts ...MethodOption) *UnaryUnaryMultiCallable[Req, Resp] {
	return &UnaryUnaryMultiCallable[Req, Resp]{newMultiCallable[Req, Resp](ch, method, opts)}
}

// Call mirrors __call__: it invokes the RPC and blocks until it ends. A
// non-OK status comes back as *RpcError.
func (mc *UnaryUnaryMultiCallable[Req, Resp]) Call(req Req, opts ...CallOption) (Resp, error) {
	resp, _, err := mc.WithCall(req, opts...)
	return resp, err
}

// WithCall mirrors with_call: it invokes the RPC, blocks until it ends and
// returns the response with the Call (for its metadata and status). On a
// non-OK status it returns only the *RpcError, which carries the same.
func (mc *UnaryUnaryMultiCallable[Req, Resp]) WithCall(req Req, opts ...CallOption) (Resp, Call, error) {
	var zero Resp
	co, ctx, _, err := mc.ch.callOptions(opts)
	if err != nil {
		return zero, nil, err
	}
	if mc.m == nil {
		return zero, nil, ErrChannelClosed
	}
	b, err := serializeSafely(mc.ser, req)
	if err != nil {
		return zero, nil, &RpcError{code: Internal, details: detailsSerializeRequest}
	}
	res, err := mc.ch.c.UnaryUnary(ctx, mc.m, b, &co)
	if err != nil {
		return zero, nil, invocationError(err)
	}
	return unaryOutcome(mc.deser, res)
}

// unaryOutcome turns what a unary-response RPC received into grpcio's
// results: the response and the ended Call, or an *RpcError.
func unaryOutcome[Resp any](deser Deserializer[Resp], res core.UnaryResult) (Resp, Call, error) {
	var zero Resp
	if code, _ := statusFromWire(res.Status.Code, res.Status.Details); code != OK {
		return zero, nil, rpcErrorFromStatus(res.Status, res.InitialMetadata)
	}
	call := &completedCall{initial: res.InitialMetadata, trailing: res.Status.TrailingMetadata, code: OK, details: res.Status.Details}
	if !res.HasResponse {
		return zero, call, nil
	}
	resp, err := deserializeSafely(deser, res.Response)
	if err != nil {
		return zero, nil, &RpcError{
			code:             Internal,
			details:          detailsDeserializeResponse,
			initialMetadata:  res.InitialMetadata,
			trailingMetadata: res.Status.TrailingMetadata,
		}
	}
	return resp, call, nil
}

// Future mirrors future: it invokes the RPC and returns at once. The
// returned Future is also the RPC's Call.
func (mc *UnaryUnaryMultiCallable[Req, Resp]) Future(req Req, opts ...CallOption) *Future[Resp] {
	co, ctx, deadline, err := mc.ch.callOptions(opts)
	f := newFuture[Resp](deadline)
	if err != nil {
		f.fail(err)
		return f
	}
	if mc.m == nil {
		f.fail(ErrChannelClosed)
		return f
	}
	b, err := serializeSafely(mc.ser, req)
	if err != nil {
		f.fail(&RpcError{code: Internal, details: detailsSerializeRequest})
		return f
	}
	f.mu.Lock()
	call, err := mc.ch.c.StartUnaryUnary(ctx, mc.m, b, &co, func(res core.UnaryResult) {
		resp, c, err := unaryOutcome(mc.deser, res)
		f.finish(resp, c, err)
	})
	f.call = call
	f.mu.Unlock()
	if err != nil {
		f.fail(invocationError(err))
	}
	return f
}
