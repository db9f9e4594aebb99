package grpc

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grpcio-go/grpcio/core"
)

// Server mirrors grpc.Server: it serves RPCs on the ports added to it, with
// handlers running on a pool of worker goroutines. Safe for concurrent use.
type Server struct {
	core *core.Server

	mu         sync.Mutex
	started    bool
	registered map[string]*RPCMethodHandler // full path -> handler
	generic    atomic.Pointer[[]GenericRPCHandler]
}

// NewServer mirrors grpc.server: a server with MaxWorkers handler
// goroutines (default 100), the generic handlers of Handlers, C-core
// arguments from Options, MaximumConcurrentRPCs and WithCompression. It
// fails only on invalid options.
func NewServer(opts ...ServerOption) (*Server, error) {
	o := serverOptions{maxWorkers: defaultMaxWorkers}
	for _, opt := range opts {
		opt.applyServer(&o)
	}
	if o.maxWorkers <= 0 {
		return nil, fmt.Errorf("grpc: MaxWorkers must be positive, got %d", o.maxWorkers)
	}
	args := append([]Option(nil), o.args...)
	if o.compression != nil {
		if !o.compression.valid() {
			return nil, fmt.Errorf("grpc: invalid compression %d", int(*o.compression))
		}
		args = append(args, Option{compressionChannelArg, int(*o.compression)})
	}
	s := &Server{registered: make(map[string]*RPCMethodHandler)}
	gh := append([]GenericRPCHandler(nil), o.handlers...)
	s.generic.Store(&gh)
	c, err := core.NewServer(core.ServerConfig{
		Args:                  toCoreArgs(args),
		MaxWorkers:            o.maxWorkers,
		MaximumConcurrentRPCs: o.maxConcurrent,
		Lookup:                s.lookup,
	})
	if err != nil {
		return nil, fmt.Errorf("grpc: NewServer: %w", err)
	}
	s.core = c
	return s, nil
}

// AddGenericRPCHandlers mirrors Server.add_generic_rpc_handlers: handlers
// are consulted in the order added, after registered method handlers.
func (s *Server) AddGenericRPCHandlers(handlers ...GenericRPCHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gh := append(append([]GenericRPCHandler(nil), *s.generic.Load()...), handlers...)
	s.generic.Store(&gh)
}

// AddRegisteredMethodHandlers mirrors Server.add_registered_method_handlers:
// handlers for the methods of service, keyed by short method name, which
// take precedence over generic handlers and are registered with C-core. It
// has no effect once the server has started, as in grpcio.
func (s *Server) AddRegisteredMethodHandlers(service string, handlers map[string]*RPCMethodHandler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return
	}
	for m, h := range handlers {
		s.registered["/"+service+"/"+m] = h
	}
}

// AddInsecurePort mirrors Server.add_insecure_port: it binds address (for
// example "[::]:50051", "localhost:0", "unix:/tmp/sock") without transport
// security and returns the port, which C-core picks when the port is 0.
// A failed bind is an error with grpcio's text.
func (s *Server) AddInsecurePort(address string) (int, error) {
	port, err := s.core.AddInsecurePort(address)
	if err != nil {
		return 0, fmt.Errorf("grpc: AddInsecurePort(%q): %w", address, err)
	}
	if port == 0 {
		return 0, fmt.Errorf(bindFailureFmt, address)
	}
	return port, nil
}

// AddSecurePort mirrors Server.add_secure_port: it binds address with the
// given credentials (see SSLServerCredentials) and returns the port.
func (s *Server) AddSecurePort(address string, credentials *ServerCredentials) (int, error) {
	if credentials == nil {
		return 0, &UsageError{"AddSecurePort needs server credentials; use AddInsecurePort for none"}
	}
	port, err := s.core.AddSecurePort(address, credentials.c)
	if err != nil {
		return 0, fmt.Errorf("grpc: AddSecurePort(%q): %w", address, err)
	}
	if port == 0 {
		return 0, fmt.Errorf(bindFailureFmt, address)
	}
	return port, nil
}

// Start mirrors Server.start. A second Start fails with grpcio's
// "Cannot start already-started server!".
func (s *Server) Start() error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errors.New(cannotStartStartedServer)
	}
	s.started = true
	paths := make(map[string]*RPCMethodHandler)
	for _, h := range *s.generic.Load() {
		if l, ok := h.(methodLister); ok {
			for p, mh := range l.knownMethods() {
				if _, dup := paths[p]; !dup {
					paths[p] = mh
				}
			}
		}
	}
	for p, mh := range s.registered {
		paths[p] = mh
	}
	s.mu.Unlock()
	for p, mh := range paths {
		s.core.RegisterMethod(p, mh != nil && !mh.RequestStreaming)
	}
	if err := s.core.Start(); err != nil {
		if errors.Is(err, core.ErrServerStarted) {
			return errors.New(cannotStartStartedServer)
		}
		return fmt.Errorf("grpc: Start: %w", err)
	}
	return nil
}

// Stop mirrors Server.stop(grace): the server refuses new RPCs at once;
// RPCs in flight may finish during grace and are then cancelled; a negative
// grace (grpcio's None) cancels them at once. The returned channel is closed
// once the server has stopped. Stopping again is harmless, and a shorter
// grace given later wins. Stop on a server never started stops it too.
func (s *Server) Stop(grace time.Duration) <-chan struct{} {
	return s.core.Stop(grace)
}

// WaitForTermination mirrors Server.wait_for_termination(timeout): it blocks
// until the server has stopped, or until timeout passes (negative: no
// timeout). It returns true if the timeout passed first.
func (s *Server) WaitForTermination(timeout time.Duration) bool {
	if timeout < 0 {
		<-s.core.Done()
		return false
	}
	select {
	case <-s.core.Done():
		return false
	default:
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-s.core.Done():
		return false
	case <-t.C:
		return true
	}
}

// lookup finds the handler of a new call on core's polling goroutine, as
// grpcio's _serve thread does: registered handlers first, then generic ones
// in order.
func (s *Server) lookup(call *core.ServerCall) (func(*core.ServerCall), int, string) {
	h, err := s.findHandler(call)
	if err != nil {
		slog.Error("Exception servicing handler", "method", call.Method, "error", err)
		return nil, int(Unknown), detailsErrorInServiceHandler
	}
	if h == nil {
		return nil, int(Unimplemented), detailsMethodNotFound
	}
	return func(c *core.ServerCall) { s.serve(h, c) }, 0, ""
}

func (s *Server) findHandler(call *core.ServerCall) (h *RPCMethodHandler, err error) {
	if h := s.registered[call.Method]; h != nil {
		return h, nil
	}
	defer func() {
		if r := recover(); r != nil {
			h, err = nil, fmt.Errorf("%v", r)
		}
	}()
	gh := *s.generic.Load()
	if len(gh) == 0 {
		return nil, nil
	}
	d := &HandlerCallDetails{Method: call.Method, InvocationMetadata: call.Metadata}
	for _, g := range gh {
		if h := g.Service(d); h != nil {
			return h, nil
		}
	}
	return nil, nil
}

// serve runs a handler on a worker.
func (s *Server) serve(h *RPCMethodHandler, call *core.ServerCall) {
	ctx := newServicerContext(call, nil)
	switch {
	case h.unaryUnary != nil:
		if req, ok := unaryRequest(ctx); ok {
			if resp, ok := h.unaryUnary(ctx, req); ok {
				ctx.finish(resp, true)
			}
		}
	case h.unaryStream != nil:
		if req, ok := unaryRequest(ctx); ok && h.unaryStream(ctx, req) {
			ctx.finish(nil, false)
		}
	case h.streamUnary != nil:
		if resp, ok := h.streamUnary(ctx); ok {
			ctx.finish(resp, true)
		}
	case h.streamStream != nil:
		if h.streamStream(ctx) {
			ctx.finish(nil, false)
		}
	default:
		ctx.abortRPC(Unimplemented, detailsMethodNotFound)
	}
}

// unaryRequest reads the one request message of a unary-request RPC.
func unaryRequest(ctx *ServicerContext) ([]byte, bool) {
	b, ok, err := ctx.recvRequest()
	if ok {
		return b, true
	}
	if err == nil {
		ctx.abortRPC(Unimplemented, fmt.Sprintf(detailsRequiresOneRequestFmt, ctx.call.Method))
	}
	return nil, false
}
