package grpc

// The services half of run-time loaded protos: grpc.services' module, the
// in-memory helloworld_pb2_grpc with its GreeterStub and
// add_GreeterServicer_to_server.

import (
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// ServicesModule mirrors the module grpc.services returns, the in-memory
// helloworld_pb2_grpc: for each service of one .proto file, a stub (Stub,
// grpcio's GreeterStub) and servicer registration (AddServicerToServer,
// grpcio's add_GreeterServicer_to_server), over the file's dynamic message
// types. It is immutable and safe for concurrent use.
type ServicesModule struct {
	protos *ProtosModule
}

// Services mirrors grpc.services(protobuf_path): it compiles the .proto
// file at path, with the search rules and errors of Protos, and returns its
// services. Use ProtosAndServices to get the message types as well.
func Services(path string, opts ...ProtoOption) (*ServicesModule, error) {
	pf, err := loadProto("Services", path, opts)
	if err != nil {
		return nil, err
	}
	return &ServicesModule{protos: pf}, nil
}

// File returns the file's descriptor.
func (s *ServicesModule) File() protoreflect.FileDescriptor { return s.protos.file }

// Service returns the descriptor of the file's service called name:
// relative to the file's package ("Greeter") or in full
// ("helloworld.Greeter"). Only the file's own services are found, as
// grpcio's module holds only them; an unknown name is an error that lists
// them.
func (s *ServicesModule) Service(name string) (protoreflect.ServiceDescriptor, error) {
	services := s.protos.file.Services()
	for _, full := range s.protos.candidates(name) {
		for i := range services.Len() {
			if sd := services.Get(i); sd.FullName() == full {
				return sd, nil
			}
		}
	}
	return nil, fmt.Errorf("grpc: %s has no service %q (its services: %s)",
		s.protos.file.Path(), name, listNames(services))
}

// Stub mirrors grpcio's generated GreeterStub(channel): a client of
// service over ch, with one multi-callable per method, made (and
// registered with C-core) at once as generated stubs do. Get them with
// UnaryUnary, UnaryStream, StreamUnary and StreamStream by method name.
// An unknown service is an error.
func (s *ServicesModule) Stub(service string, ch *Channel) (*DynamicStub, error) {
	sd, err := s.Service(service)
	if err != nil {
		return nil, err
	}
	methods := sd.Methods()
	stub := &DynamicStub{service: sd, callables: make(map[protoreflect.Name]any, methods.Len())}
	for i := range methods.Len() {
		md := methods.Get(i)
		mc := multiCallable[proto.Message, proto.Message]{
			ch:    ch,
			m:     ch.method(methodPath(md)),
			ser:   messageSerializer(md.Input()),
			deser: messageDeserializer(md.Output(), s.protos.types),
		}
		var c any
		switch shapeOf(md) {
		case unaryUnaryShape:
			c = &UnaryUnaryMultiCallable[proto.Message, proto.Message]{mc}
		case unaryStreamShape:
			c = &UnaryStreamMultiCallable[proto.Message, proto.Message]{mc}
		case streamUnaryShape:
			c = &StreamUnaryMultiCallable[proto.Message, proto.Message]{mc}
		case streamStreamShape:
			c = &StreamStreamMultiCallable[proto.Message, proto.Message]{mc}
		}
		stub.callables[md.Name()] = c
	}
	return stub, nil
}

// DynamicStub is a stub made at run time by ServicesModule.Stub: grpcio's
// GreeterStub, whose attributes are the service's multi-callables. Requests
// may be *dynamicpb.Message values or generated messages of the method's
// input type (the full names must match; any other type fails the call with
// INTERNAL "Exception serializing request!", as in grpcio); responses are
// *dynamicpb.Message values of its output type. Safe for concurrent use.
type DynamicStub struct {
	service   protoreflect.ServiceDescriptor
	callables map[protoreflect.Name]any // method name -> *XxxMultiCallable
}

// Service returns the descriptor of the stub's service.
func (s *DynamicStub) Service() protoreflect.ServiceDescriptor { return s.service }

// UnaryUnary returns the multi-callable of the unary-unary method called
// method ("SayHello"): grpcio's stub.SayHello. An unknown method, or one of
// another shape, is an error.
func (s *DynamicStub) UnaryUnary(method string) (*UnaryUnaryMultiCallable[proto.Message, proto.Message], error) {
	return stubCallable[*UnaryUnaryMultiCallable[proto.Message, proto.Message]](s, method, unaryUnaryShape)
}

// UnaryStream returns the multi-callable of the unary-stream method called
// method; see UnaryUnary.
func (s *DynamicStub) UnaryStream(method string) (*UnaryStreamMultiCallable[proto.Message, proto.Message], error) {
	return stubCallable[*UnaryStreamMultiCallable[proto.Message, proto.Message]](s, method, unaryStreamShape)
}

// StreamUnary returns the multi-callable of the stream-unary method called
// method; see UnaryUnary.
func (s *DynamicStub) StreamUnary(method string) (*StreamUnaryMultiCallable[proto.Message, proto.Message], error) {
	return stubCallable[*StreamUnaryMultiCallable[proto.Message, proto.Message]](s, method, streamUnaryShape)
}

// StreamStream returns the multi-callable of the stream-stream method
// called method; see UnaryUnary.
func (s *DynamicStub) StreamStream(method string) (*StreamStreamMultiCallable[proto.Message, proto.Message], error) {
	return stubCallable[*StreamStreamMultiCallable[proto.Message, proto.Message]](s, method, streamStreamShape)
}

func stubCallable[C any](s *DynamicStub, method string, want rpcShape) (C, error) {
	var zero C
	md, err := findMethod(s.service, method)
	if err != nil {
		return zero, err
	}
	if got := shapeOf(md); got != want {
		return zero, fmt.Errorf("grpc: %s is %s: use DynamicStub.%s, not %s", md.FullName(), got, got.stubMethod(), want.stubMethod())
	}
	return s.callables[md.Name()].(C), nil
}

// DynamicServicer is a servicer without generated code, for
// ServicesModule.AddServicerToServer: the behaviours of a service's methods
// keyed by method name, as a grpcio servicer class holds them as methods.
// Each value is one of
//
//	func(proto.Message, *grpc.ServicerContext) (proto.Message, error)                                 // unary-unary
//	func(proto.Message, *grpc.ServicerContext) iter.Seq2[proto.Message, error]                        // unary-stream
//	func(iter.Seq2[proto.Message, error], *grpc.ServicerContext) (proto.Message, error)               // stream-unary
//	func(iter.Seq2[proto.Message, error], *grpc.ServicerContext) iter.Seq2[proto.Message, error]      // stream-stream
//
// with the rules of UnaryUnaryRPCMethodHandler and its siblings, or an
// *RPCMethodHandler of the method's shape, used as it is (it decodes its
// requests itself). Requests are *dynamicpb.Message values of the method's
// input type; a response must be of its output type (dynamic or generated:
// the full names must match), or the RPC ends with INTERNAL
// "Failed to serialize response!", as in grpcio.
type DynamicServicer map[string]any

// AddServicerToServer mirrors grpcio's generated
// add_GreeterServicer_to_server(servicer, server): it serves service
// ("Greeter" or "helloworld.Greeter") on server with the behaviours of
// servicer, registered as generated code registers them
// (Server.AddGenericRPCHandlers with MethodHandlersGenericHandler, and
// Server.AddRegisteredMethodHandlers). Methods servicer leaves out end with
// UNIMPLEMENTED "Method not implemented!", as the methods of grpcio's
// generated servicer base class do. Call it before server.Start.
//
// It fails, registering nothing, when the service is unknown, when servicer
// names a method the service lacks, or when a behaviour's type does not fit
// its method's shape.
func (s *ServicesModule) AddServicerToServer(service string, servicer DynamicServicer, server *Server) error {
	sd, err := s.Service(service)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(servicer))
	for name := range servicer {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if _, err := findMethod(sd, name); err != nil {
			return err
		}
	}
	methods := sd.Methods()
	handlers := make(map[string]*RPCMethodHandler, methods.Len())
	for i := range methods.Len() {
		md := methods.Get(i)
		h, err := dynamicHandler(md, servicer[string(md.Name())], s.protos)
		if err != nil {
			return err
		}
		handlers[string(md.Name())] = h
	}
	full := string(sd.FullName())
	server.AddGenericRPCHandlers(MethodHandlersGenericHandler(full, handlers))
	server.AddRegisteredMethodHandlers(full, handlers)
	return nil
}

// dynamicHandler builds the handler of md from a DynamicServicer value.
func dynamicHandler(md protoreflect.MethodDescriptor, behavior any, p *ProtosModule) (*RPCMethodHandler, error) {
	shape := shapeOf(md)
	if v := reflect.ValueOf(behavior); behavior != nil && (v.Kind() == reflect.Func || v.Kind() == reflect.Pointer) && v.IsNil() {
		return nil, fmt.Errorf("grpc: the behavior of %s is a nil %T", md.FullName(), behavior)
	}
	deser, ser := messageDeserializer(md.Input(), p.types), messageSerializer(md.Output())
	var h *RPCMethodHandler
	switch b := behavior.(type) {
	case nil:
		h = unimplementedHandler(shape, deser, ser)
	case *RPCMethodHandler:
		h = b
	case func(proto.Message, *ServicerContext) (proto.Message, error):
		h = UnaryUnaryRPCMethodHandler(b, deser, ser)
	case func(proto.Message, *ServicerContext) iter.Seq2[proto.Message, error]:
		h = UnaryStreamRPCMethodHandler(b, deser, ser)
	case func(iter.Seq2[proto.Message, error], *ServicerContext) (proto.Message, error):
		h = StreamUnaryRPCMethodHandler(b, deser, ser)
	case func(iter.Seq2[proto.Message, error], *ServicerContext) iter.Seq2[proto.Message, error]:
		h = StreamStreamRPCMethodHandler(b, deser, ser)
	default:
		return nil, fmt.Errorf("grpc: the behavior of %s is a %T: a %s method takes a %s or an *grpc.RPCMethodHandler",
			md.FullName(), behavior, shape, shape.behavior())
	}
	if got := (rpcShape{h.RequestStreaming, h.ResponseStreaming}); got != shape {
		return nil, fmt.Errorf("grpc: %s is %s, but its behavior is %s: it takes a %s", md.FullName(), shape, got, shape.behavior())
	}
	return h, nil
}

// unimplementedHandler is a handler of shape that ends every RPC as an
// unoverridden method of grpcio's generated servicer does.
func unimplementedHandler(shape rpcShape, deser Deserializer[proto.Message], ser Serializer[proto.Message]) *RPCMethodHandler {
	type messages = iter.Seq2[proto.Message, error]
	abort := func(ctx *ServicerContext) error {
		return ctx.Abort(Unimplemented, detailsMethodNotImplemented)
	}
	fail := func(ctx *ServicerContext) messages {
		return func(yield func(proto.Message, error) bool) { yield(nil, abort(ctx)) }
	}
	switch shape {
	case unaryUnaryShape:
		return UnaryUnaryRPCMethodHandler(func(_ proto.Message, ctx *ServicerContext) (proto.Message, error) {
			return nil, abort(ctx)
		}, deser, ser)
	case unaryStreamShape:
		return UnaryStreamRPCMethodHandler(func(_ proto.Message, ctx *ServicerContext) messages {
			return fail(ctx)
		}, deser, ser)
	case streamUnaryShape:
		return StreamUnaryRPCMethodHandler(func(_ messages, ctx *ServicerContext) (proto.Message, error) {
			return nil, abort(ctx)
		}, deser, ser)
	default:
		return StreamStreamRPCMethodHandler(func(_ messages, ctx *ServicerContext) messages {
			return fail(ctx)
		}, deser, ser)
	}
}

// findMethod returns sd's method called name, or an error listing them.
func findMethod(sd protoreflect.ServiceDescriptor, name string) (protoreflect.MethodDescriptor, error) {
	if md := sd.Methods().ByName(protoreflect.Name(name)); md != nil {
		return md, nil
	}
	return nil, fmt.Errorf("grpc: service %s has no method %q (its methods: %s)", sd.FullName(), name, listNames(sd.Methods()))
}

// methodPath is md's path on the wire, "/helloworld.Greeter/SayHello".
func methodPath(md protoreflect.MethodDescriptor) string {
	return "/" + string(md.Parent().FullName()) + "/" + string(md.Name())
}

// rpcShape is a method's arity: whether requests and responses stream.
type rpcShape struct{ requestStreaming, responseStreaming bool }

var (
	unaryUnaryShape   = rpcShape{false, false}
	unaryStreamShape  = rpcShape{false, true}
	streamUnaryShape  = rpcShape{true, false}
	streamStreamShape = rpcShape{true, true}
)

func shapeOf(md protoreflect.MethodDescriptor) rpcShape {
	return rpcShape{md.IsStreamingClient(), md.IsStreamingServer()}
}

// String is grpcio's name of the shape, "unary-stream".
func (s rpcShape) String() string {
	return arity(s.requestStreaming) + "-" + arity(s.responseStreaming)
}

func arity(streaming bool) string {
	if streaming {
		return "stream"
	}
	return "unary"
}

// stubMethod is the DynamicStub method of the shape, "UnaryStream".
func (s rpcShape) stubMethod() string {
	parts := strings.Split(s.String(), "-")
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	return strings.Join(parts, "")
}

// behavior is the function type a DynamicServicer holds for the shape.
func (s rpcShape) behavior() string {
	in, out := "proto.Message", "(proto.Message, error)"
	if s.requestStreaming {
		in = "iter.Seq2[proto.Message, error]"
	}
	if s.responseStreaming {
		out = "iter.Seq2[proto.Message, error]"
	}
	return "func(" + in + ", *grpc.ServicerContext) " + out
}
