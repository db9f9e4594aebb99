package grpc

import (
	"errors"
	"fmt"
	"iter"
	"strings"
)

// RPCMethodHandler mirrors grpc.RpcMethodHandler: how a server runs one
// method. Build it with UnaryUnaryRPCMethodHandler and its siblings.
type RPCMethodHandler struct {
	// RequestStreaming and ResponseStreaming describe the method's shape.
	RequestStreaming  bool
	ResponseStreaming bool

	// One of these runs the RPC: it decodes requests, runs the behaviour and
	// sends responses; ok is false once it has ended the RPC itself.
	unaryUnary   func(ctx *ServicerContext, req []byte) (resp []byte, ok bool)
	unaryStream  func(ctx *ServicerContext, req []byte) (ok bool)
	streamUnary  func(ctx *ServicerContext) (resp []byte, ok bool)
	streamStream func(ctx *ServicerContext) (ok bool)
}

// UnaryUnaryRPCMethodHandler mirrors grpc.unary_unary_rpc_method_handler:
// behavior handles one request and returns one response. A nil
// requestDeserializer or responseSerializer means []byte passes through
// unchanged and protobuf messages are (un)marshalled.
//
// A behavior that returns a non-nil error (or panics) ends the RPC with
// UNKNOWN "Exception calling application: <error>", unless it called
// ServicerContext.Abort, SetCode or SetDetails first.
func UnaryUnaryRPCMethodHandler[Req, Resp any](behavior func(Req, *ServicerContext) (Resp, error), requestDeserializer Deserializer[Req], responseSerializer Serializer[Resp]) *RPCMethodHandler {
	deser, ser := handlerCodec(requestDeserializer, responseSerializer)
	return &RPCMethodHandler{
		unaryUnary: func(ctx *ServicerContext, reqBytes []byte) ([]byte, bool) {
			req, ok := decodeRequest(ctx, deser, reqBytes)
			if !ok {
				return nil, false
			}
			resp, err := callBehavior(ctx, func() (Resp, error) { return behavior(req, ctx) })
			if err != nil {
				return nil, false
			}
			return encodeResponse(ctx, ser, resp)
		},
	}
}

// UnaryStreamRPCMethodHandler mirrors grpc.unary_stream_rpc_method_handler:
// behavior handles one request and returns the responses as an iterator
// (grpcio: a generator). An error yielded by the iterator, or a panic in it,
// ends the RPC with UNKNOWN "Exception iterating responses: <error>"
// (unless the handler aborted); returning a nil iterator sends no response.
func UnaryStreamRPCMethodHandler[Req, Resp any](behavior func(Req, *ServicerContext) iter.Seq2[Resp, error], requestDeserializer Deserializer[Req], responseSerializer Serializer[Resp]) *RPCMethodHandler {
	deser, ser := handlerCodec(requestDeserializer, responseSerializer)
	return &RPCMethodHandler{
		ResponseStreaming: true,
		unaryStream: func(ctx *ServicerContext, reqBytes []byte) bool {
			req, ok := decodeRequest(ctx, deser, reqBytes)
			if !ok {
				return false
			}
			resps, err := callBehavior(ctx, func() (iter.Seq2[Resp, error], error) { return behavior(req, ctx), nil })
			if err != nil {
				return false
			}
			return sendResponses(ctx, ser, resps)
		},
	}
}

// StreamUnaryRPCMethodHandler mirrors grpc.stream_unary_rpc_method_handler:
// behavior reads the requests from an iterator and returns one response.
// The iterator yields (request, nil) for each request message; it yields an
// error and stops if a request cannot be deserialized (the RPC then ends
// with INTERNAL "Exception deserializing request!") or the RPC ended early.
func StreamUnaryRPCMethodHandler[Req, Resp any](behavior func(iter.Seq2[Req, error], *ServicerContext) (Resp, error), requestDeserializer Deserializer[Req], responseSerializer Serializer[Resp]) *RPCMethodHandler {
	deser, ser := handlerCodec(requestDeserializer, responseSerializer)
	return &RPCMethodHandler{
		RequestStreaming: true,
		streamUnary: func(ctx *ServicerContext) ([]byte, bool) {
			resp, err := callBehavior(ctx, func() (Resp, error) { return behavior(requestStream(ctx, deser), ctx) })
			if err != nil {
				return nil, false
			}
			return encodeResponse(ctx, ser, resp)
		},
	}
}

// StreamStreamRPCMethodHandler mirrors grpc.stream_stream_rpc_method_handler:
// requests from an iterator, responses as an iterator, with the rules of
// StreamUnaryRPCMethodHandler and UnaryStreamRPCMethodHandler.
func StreamStreamRPCMethodHandler[Req, Resp any](behavior func(iter.Seq2[Req, error], *ServicerContext) iter.Seq2[Resp, error], requestDeserializer Deserializer[Req], responseSerializer Serializer[Resp]) *RPCMethodHandler {
	deser, ser := handlerCodec(requestDeserializer, responseSerializer)
	return &RPCMethodHandler{
		RequestStreaming:  true,
		ResponseStreaming: true,
		streamStream: func(ctx *ServicerContext) bool {
			resps, err := callBehavior(ctx, func() (iter.Seq2[Resp, error], error) { return behavior(requestStream(ctx, deser), ctx), nil })
			if err != nil {
				return false
			}
			return sendResponses(ctx, ser, resps)
		},
	}
}

// handlerCodec fills in the default codec for nil functions.
func handlerCodec[Req, Resp any](deser Deserializer[Req], ser Serializer[Resp]) (Deserializer[Req], Serializer[Resp]) {
	if deser == nil {
		deser = defaultDeserializer[Req]()
	}
	if ser == nil {
		ser = defaultSerializer[Resp]()
	}
	return deser, ser
}

// decodeRequest deserializes a request, ending the RPC with grpcio's
// INTERNAL "Exception deserializing request!" on failure.
func decodeRequest[Req any](ctx *ServicerContext, deser Deserializer[Req], b []byte) (Req, bool) {
	req, err := deserializeSafely(deser, b)
	if err != nil {
		ctx.abortRPC(Internal, detailsDeserializeRequest)
		return req, false
	}
	return req, true
}

// encodeResponse serializes a response, ending the RPC with grpcio's
// INTERNAL "Failed to serialize response!" on failure.
func encodeResponse[Resp any](ctx *ServicerContext, ser Serializer[Resp], resp Resp) ([]byte, bool) {
	b, err := serializeSafely(ser, resp)
	if err != nil {
		ctx.abortRPC(Internal, detailsSerializeResponse)
		return nil, false
	}
	return b, true
}

// errRequestsEnded is what a request iterator yields when the RPC ended
// before the client half-closed (grpcio raises a bare RpcError there). The
// handler's returning it is not reported as an application error.
var errRequestsEnded = &RpcError{code: Cancelled, details: "the RPC ended before all requests were read"}

// errBadRequest is what a request iterator yields after a request could not
// be deserialized (the RPC has ended with INTERNAL).
var errBadRequest = errors.New(detailsDeserializeRequest)

// requestStream is the request iterator a request-streaming behavior gets.
func requestStream[Req any](ctx *ServicerContext, deser Deserializer[Req]) iter.Seq2[Req, error] {
	return func(yield func(Req, error) bool) {
		var zero Req
		for {
			b, ok, err := ctx.recvRequest()
			if err != nil {
				yield(zero, errRequestsEnded)
				return
			}
			if !ok {
				return
			}
			req, ok := decodeRequest(ctx, deser, b)
			if !ok {
				yield(zero, errBadRequest)
				return
			}
			if !yield(req, nil) {
				return
			}
		}
	}
}

// sendResponses sends what a response iterator yields; a yielded error or a
// panic ends the RPC as grpcio's _take_response_from_response_iterator does.
// It reports whether the stream ended normally and the status is to be sent.
func sendResponses[Resp any](ctx *ServicerContext, ser Serializer[Resp], resps iter.Seq2[Resp, error]) (ok bool) {
	if resps == nil {
		return true
	}
	defer func() {
		if r := recover(); r != nil {
			ctx.iterationFailed(fmt.Errorf("%v", r), true)
			ok = false
		}
	}()
	for resp, err := range resps {
		if err != nil {
			ctx.iterationFailed(err, false)
			return false
		}
		b, ok := encodeResponse(ctx, ser, resp)
		if !ok {
			return false
		}
		if !ctx.sendResponse(b) {
			return false
		}
	}
	return true
}

// callBehavior runs user code; an error or a panic ends the RPC as
// grpcio's _call_behavior does, and is returned.
func callBehavior[T any](ctx *ServicerContext, fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
			ctx.behaviorFailed(err, true)
		}
	}()
	v, err = fn()
	if err != nil {
		ctx.behaviorFailed(err, false)
	}
	return v, err
}

// HandlerCallDetails mirrors grpc.HandlerCallDetails: what a generic handler
// sees of a new RPC.
type HandlerCallDetails struct {
	// Method is the full method name, "/package.Service/Method".
	Method string
	// InvocationMetadata is the metadata the client sent.
	InvocationMetadata Metadata
}

// GenericRPCHandler mirrors grpc.GenericRpcHandler: it finds the handler for
// an RPC, or returns nil when it has none.
type GenericRPCHandler interface {
	Service(details *HandlerCallDetails) *RPCMethodHandler
}

// ServiceRPCHandler mirrors grpc.ServiceRpcHandler: a generic handler for
// the methods of one service.
type ServiceRPCHandler interface {
	GenericRPCHandler
	ServiceName() string
}

// MethodHandlersGenericHandler mirrors grpc.method_handlers_generic_handler:
// a handler for service whose methods are keyed by their short names
// ("SayHello" for "/helloworld.Greeter/SayHello").
func MethodHandlersGenericHandler(service string, handlers map[string]*RPCMethodHandler) ServiceRPCHandler {
	h := &dictionaryGenericHandler{name: service, methods: make(map[string]*RPCMethodHandler, len(handlers))}
	for m, mh := range handlers {
		h.methods["/"+service+"/"+m] = mh
	}
	return h
}

// dictionaryGenericHandler is grpcio's _utilities.DictionaryGenericHandler.
type dictionaryGenericHandler struct {
	name    string
	methods map[string]*RPCMethodHandler
}

func (h *dictionaryGenericHandler) Service(d *HandlerCallDetails) *RPCMethodHandler {
	return h.methods[d.Method]
}

func (h *dictionaryGenericHandler) ServiceName() string { return h.name }

// knownMethods lets the server register the paths with C-core.
func (h *dictionaryGenericHandler) knownMethods() map[string]*RPCMethodHandler { return h.methods }

// methodLister is implemented by handlers whose paths are known up front.
type methodLister interface {
	knownMethods() map[string]*RPCMethodHandler
}

func splitMethod(path string) (service, method string) {
	p := strings.TrimPrefix(path, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i], p[i+1:]
	}
	return "", p
}
