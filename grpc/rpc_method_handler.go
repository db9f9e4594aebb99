package grpc

import (
	"fmt"
	"strings"
)

// RPCMethodHandler mirrors grpc.RpcMethodHandler: how a server runs one
// method. Build it with UnaryUnaryRPCMethodHandler and its siblings.
type RPCMethodHandler struct {
	// RequestStreaming and ResponseStreaming describe the method's shape.
	RequestStreaming  bool
	ResponseStreaming bool

	// unaryUnary decodes the request, runs the behaviour and encodes the
	// response; ok is false once it has ended the RPC itself.
	unaryUnary func(ctx *ServicerContext, req []byte) (resp []byte, ok bool)
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
	if requestDeserializer == nil {
		requestDeserializer = defaultDeserializer[Req]()
	}
	if responseSerializer == nil {
		responseSerializer = defaultSerializer[Resp]()
	}
	return &RPCMethodHandler{
		unaryUnary: func(ctx *ServicerContext, reqBytes []byte) ([]byte, bool) {
			req, err := deserializeSafely(requestDeserializer, reqBytes)
			if err != nil {
				ctx.abortRPC(Internal, detailsDeserializeRequest)
				return nil, false
			}
			resp, err := callBehavior(ctx, func() (Resp, error) { return behavior(req, ctx) })
			if err != nil {
				return nil, false
			}
			b, err := serializeSafely(responseSerializer, resp)
			if err != nil {
				ctx.abortRPC(Internal, detailsSerializeResponse)
				return nil, false
			}
			return b, true
		},
	}
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
