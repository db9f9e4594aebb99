package core

import (
	"errors"
	"runtime/cgo"
	"sync"
	"time"

	ccore "github.com/grpcio-go/grpcio/cgo"
)

// Lookup finds the handler for a new call; it runs on the polling goroutine
// (as grpcio's _serve thread looks handlers up). It returns the handler to
// run on the worker pool, or nil and the status to reject the call with.
type Lookup func(call *ServerCall) (run func(*ServerCall), code int, details string)

// ServerConfig configures a Server.
type ServerConfig struct {
	Args                  []ChannelArg
	MaxWorkers            int // goroutines that run handlers; > 0
	MaximumConcurrentRPCs int // 0: no limit
	Lookup                Lookup
}

// Server stages, as grpcio's _ServerStage.
const (
	stageCreated = iota
	stageStarted
	stageGrace
	stageStopped
)

// slotsPerMethod is how many calls are requested from C-core at once for
// each registered method and for unregistered methods, so that a burst of
// calls is matched without waiting for re-arming.
const slotsPerMethod = 16

// ErrServerStarted is returned by Start on a started server (grpcio's text).
var ErrServerStarted = errors.New("Cannot start already-started server!")

// ErrServerStopped is returned by Start and AddPort once Stop was called.
var ErrServerStopped = errors.New("server is stopped")

// Server is a C-core server with its request loop and worker pool:
// grpcio's cygrpc.Server plus _server.py's _ServerState. Safe for concurrent
// use.
type Server struct {
	srv *ccore.Server
	cq  *CompletionQueue
	cfg ServerConfig

	mu       sync.Mutex
	stage    int
	methods  []*registeredMethod
	slots    []*requestSlot
	active   int // accepted RPCs whose handler has not returned
	graceT   *time.Timer
	deadline time.Time // when in-flight calls get cancelled; zero: not set
	stopOp   *Op
	done     chan struct{}
}

type registeredMethod struct {
	name        string
	withPayload bool
	m           ccore.RegisteredMethod
}

// requestSlot is one outstanding request for a new call.
type requestSlot struct {
	s      *Server
	method *registeredMethod // nil: unregistered methods
	req    *ccore.Request
	op     *Op
}

// NewServer creates a server; it takes a C-core init reference, returned
// when the server has stopped.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.MaxWorkers <= 0 {
		return nil, errors.New("core: MaxWorkers must be positive")
	}
	ccore.Init()
	srv, err := ccore.NewServer(cfg.Args)
	if err != nil {
		ccore.Shutdown()
		return nil, err
	}
	s := &Server{
		srv:  srv,
		cq:   NewCompletionQueue(LeaderFollower, cfg.MaxWorkers),
		cfg:  cfg,
		done: make(chan struct{}),
	}
	srv.RegisterCompletionQueue(s.cq.cq)
	return s, nil
}

// RegisterMethod registers a fully qualified method ("/pkg.Service/Method")
// with C-core before Start. withPayload makes the first request message
// arrive with the call (unary-request methods). Registering a method twice
// is a no-op.
func (s *Server) RegisterMethod(name string, withPayload bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stage != stageCreated {
		return
	}
	for _, m := range s.methods {
		if m.name == name {
			return
		}
	}
	m, ok := s.srv.RegisterMethod(name, withPayload)
	if ok {
		s.methods = append(s.methods, &registeredMethod{name: name, withPayload: withPayload, m: m})
	}
}

// AddInsecurePort binds addr without transport security and returns the
// port (0 when binding failed).
func (s *Server) AddInsecurePort(addr string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.canAddPortLocked(); err != nil {
		return 0, err
	}
	return s.srv.AddInsecurePort(addr), nil
}

// canAddPortLocked: ports are added before Start.
func (s *Server) canAddPortLocked() error {
	switch s.stage {
	case stageCreated:
		return nil
	case stageStarted:
		return errors.New("cannot add a port to a started server")
	}
	return ErrServerStopped
}

// AddSecurePort binds addr with TLS and returns the port (0 when binding
// failed).
func (s *Server) AddSecurePort(addr string, creds *ServerCredentials) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.canAddPortLocked(); err != nil {
		return 0, err
	}
	c := creds.build()
	defer c.Release()
	return s.srv.AddSecurePort(addr, c), nil
}

// Start starts serving: it requests calls from C-core and starts the first
// worker, which polls the queue.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.stage {
	case stageStarted, stageGrace:
		return ErrServerStarted
	case stageStopped:
		return ErrServerStopped
	}
	s.srv.Start()
	s.stage = stageStarted
	for _, m := range append([]*registeredMethod{nil}, s.methods...) {
		for i := 0; i < slotsPerMethod; i++ {
			sl := &requestSlot{s: s, method: m, req: ccore.NewRequest()}
			sl.op = &Op{q: s.cq, onDone: sl.complete, w: waiter{idx: -1}}
			sl.op.h = cgo.NewHandle(sl.op)
			s.slots = append(s.slots, sl)
			sl.requestLocked()
		}
	}
	// Two workers, so that the one that receives a call can hand the queue
	// to the other and run the handler itself.
	for i := 0; i < min(2, s.cfg.MaxWorkers); i++ {
		s.cq.StartWorker()
	}
	return nil
}

// requestLocked asks C-core for the next call into this slot; the server
// lock is held.
func (sl *requestSlot) requestLocked() {
	s := sl.s
	s.cq.Started()
	var err error
	if sl.method == nil {
		err = s.srv.RequestCall(sl.req, s.cq.cq, sl.op.Tag())
	} else {
		err = s.srv.RequestRegisteredCall(sl.method.m, sl.req, s.cq.cq, sl.op.Tag())
	}
	if err != nil {
		s.cq.Failed()
	}
}

// complete runs on the polling goroutine when a call arrived in the slot (or
// the server shut down: ok false).
func (sl *requestSlot) complete(ok bool) func() {
	if !ok {
		return nil
	}
	s := sl.s
	in := sl.req.Take()
	call := newServerCall(s, in, sl.method)
	s.mu.Lock()
	if s.stage == stageStarted {
		sl.requestLocked()
	}
	s.mu.Unlock()
	return s.accept(call)
}

// accept starts watching for the call's end, looks its handler up and
// returns the work that runs it, or rejects the call.
func (s *Server) accept(call *ServerCall) func() {
	call.watchClose()
	run, code, details := s.cfg.Lookup(call)
	if run == nil {
		call.Finish(&Reply{Code: code, Details: details})
		return nil
	}
	s.mu.Lock()
	if s.cfg.MaximumConcurrentRPCs > 0 && s.active >= s.cfg.MaximumConcurrentRPCs {
		s.mu.Unlock()
		call.Finish(&Reply{Code: StatusResourceExhausted, Details: DetailsConcurrencyExceeded})
		return nil
	}
	s.active++
	s.mu.Unlock()
	return func() {
		defer s.handlerDone()
		run(call)
	}
}

func (s *Server) handlerDone() {
	s.mu.Lock()
	s.active--
	s.mu.Unlock()
}

// Stop stops the server as grpcio's Server.stop does: new calls are refused
// at once; calls in flight may finish until grace has passed and are then
// cancelled; a negative grace cancels them at once. The returned channel is
// closed once the server has fully stopped and released its C objects. Stop
// may be called any number of times; a shorter grace in a later call wins.
func (s *Server) Stop(grace time.Duration) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.stage {
	case stageStopped:
		return s.done
	case stageCreated, stageStarted:
		started := s.stage == stageStarted
		s.stage = stageGrace
		s.stopOp = &Op{q: s.cq, w: waiter{idx: -1}}
		s.stopOp.onDone = s.shutdownComplete
		s.stopOp.h = cgo.NewHandle(s.stopOp)
		s.cq.Started()
		s.srv.ShutdownAndNotify(s.cq.cq, s.stopOp.Tag())
		if !started {
			// Nobody polls a queue that was never started.
			s.cq.Kick()
		}
	}
	at := time.Now().Add(grace)
	if grace < 0 {
		at = time.Now()
	}
	if !s.deadline.IsZero() && !at.Before(s.deadline) {
		return s.done
	}
	s.deadline = at
	if s.graceT != nil {
		s.graceT.Stop()
		s.graceT = nil
	}
	if grace <= 0 {
		s.srv.CancelAllCalls()
	} else {
		s.graceT = time.AfterFunc(grace, s.cancelAll)
	}
	return s.done
}

func (s *Server) cancelAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stage == stageGrace {
		s.srv.CancelAllCalls()
	}
}

// shutdownComplete runs on the polling goroutine when C-core reports that
// every call has ended; the teardown runs on its own goroutine because it
// shuts the queue down.
func (s *Server) shutdownComplete(bool) func() {
	go s.teardown()
	return nil
}

func (s *Server) teardown() {
	s.mu.Lock()
	if s.graceT != nil {
		s.graceT.Stop()
		s.graceT = nil
	}
	s.stage = stageStopped
	s.mu.Unlock()
	s.srv.Destroy()
	s.cq.Shutdown()
	for _, sl := range s.slots {
		sl.req.Free()
		sl.op.h.Delete()
	}
	s.slots = nil
	s.stopOp.h.Delete()
	ccore.Shutdown()
	close(s.done)
}

// Done is closed once the server has stopped.
func (s *Server) Done() <-chan struct{} { return s.done }

// WaitWorkers waits for every worker goroutine to exit (after Done, once
// running handlers have returned).
func (s *Server) WaitWorkers() { s.cq.WaitWorkers() }
