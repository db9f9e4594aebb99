package cgo

/*
#include "grpcgo.h"
*/
import "C"

import (
	"time"
	"unsafe"
)

// Server owns a grpc_server.
type Server struct {
	s *C.grpc_server
}

// RegisteredMethod is a method registered on a server
// (grpc_server_register_method); it lives as long as the server.
type RegisteredMethod struct {
	p           unsafe.Pointer
	withPayload bool
}

// NewServer creates a server with channel args (grpc_server_create).
func NewServer(args []ChannelArg) (*Server, error) {
	ca, err := channelArgs(args)
	if err != nil {
		return nil, err
	}
	defer C.grpcgo_args_free(ca)
	s := C.grpc_server_create(ca, nil)
	if s == nil {
		return nil, ErrCreate
	}
	live.servers.Add(1)
	return &Server{s: s}, nil
}

// RegisterCompletionQueue lets cq receive the server's notifications
// (grpc_server_register_completion_queue). Call it before Start.
func (s *Server) RegisterCompletionQueue(cq *CompletionQueue) {
	C.grpc_server_register_completion_queue(s.s, cq.cq, nil)
}

// RegisterMethod registers method for any host (grpc_server_register_method).
// With withPayload the first request message arrives with the request
// (GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER). Call it before Start; ok is
// false if C-core refused (the method is registered twice).
func (s *Server) RegisterMethod(method string, withPayload bool) (m RegisteredMethod, ok bool) {
	cm := C.CString(method)
	defer C.free(unsafe.Pointer(cm))
	ph := C.grpc_server_register_method_payload_handling(C.GRPC_SRM_PAYLOAD_NONE)
	if withPayload {
		ph = C.GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER
	}
	p := C.grpc_server_register_method(s.s, cm, nil, ph, 0)
	return RegisteredMethod{p: p, withPayload: withPayload}, p != nil
}

// AddInsecurePort binds addr without security (grpc_server_add_http2_port
// with insecure server credentials) and returns the bound port, or 0 when
// binding failed.
func (s *Server) AddInsecurePort(addr string) int {
	a := C.CString(addr)
	defer C.free(unsafe.Pointer(a))
	return int(C.grpcgo_server_add_insecure_port(s.s, a))
}

// AddSecurePort binds addr with the given credentials
// (grpc_server_add_http2_port) and returns the bound port, or 0 when binding
// failed. The server takes its own reference.
func (s *Server) AddSecurePort(addr string, creds *ServerCredentials) int {
	a := C.CString(addr)
	defer C.free(unsafe.Pointer(a))
	return int(C.grpc_server_add_http2_port(s.s, a, creds.c))
}

// Start starts the server (grpc_server_start).
func (s *Server) Start() { C.grpc_server_start(s.s) }

// ShutdownAndNotify stops accepting new calls and delivers tag on cq once
// every call has ended (grpc_server_shutdown_and_notify).
func (s *Server) ShutdownAndNotify(cq *CompletionQueue, tag uintptr) {
	C.grpcgo_server_shutdown(s.s, cq.cq, C.uintptr_t(tag))
}

// CancelAllCalls cancels every call in flight (grpc_server_cancel_all_calls).
func (s *Server) CancelAllCalls() { C.grpc_server_cancel_all_calls(s.s) }

// Destroy releases the server (grpc_server_destroy); outstanding request
// tags complete with ok=false.
func (s *Server) Destroy() {
	if s.s == nil {
		return
	}
	C.grpc_server_destroy(s.s)
	s.s = nil
	live.servers.Add(-1)
}

// Request is the C memory of one outstanding request for a new call
// (grpcgo_request): the call, its details, its metadata and, for registered
// methods, its first message.
type Request struct {
	r       *C.grpcgo_request
	scratch []byte
}

// NewRequest allocates a request slot.
func NewRequest() *Request {
	live.requests.Add(1)
	return &Request{r: C.grpcgo_request_new()}
}

// Free releases the slot's C memory.
func (r *Request) Free() {
	if r.r == nil {
		return
	}
	C.grpcgo_request_free(r.r)
	r.r = nil
	live.requests.Add(-1)
}

// RequestCall asks for the next call to an unregistered method on cq with tag
// (grpc_server_request_call).
func (s *Server) RequestCall(r *Request, cq *CompletionQueue, tag uintptr) error {
	C.grpcgo_request_reset(r.r)
	return callError(C.grpcgo_request_call(s.s, r.r, cq.cq, C.uintptr_t(tag)))
}

// RequestRegisteredCall asks for the next call to m on cq with tag
// (grpc_server_request_registered_call).
func (s *Server) RequestRegisteredCall(m RegisteredMethod, r *Request, cq *CompletionQueue, tag uintptr) error {
	C.grpcgo_request_reset(r.r)
	wp := C.int(0)
	if m.withPayload {
		wp = 1
	}
	return callError(C.grpcgo_request_registered_call(s.s, m.p, wp, r.r, cq.cq, C.uintptr_t(tag)))
}

// Incoming is a call the server received.
type Incoming struct {
	Call       *Call
	Method     string // empty for registered methods: the caller knows it
	Host       string
	Metadata   []byte // flattened; aliases the request's scratch memory until the next Take
	Payload    []byte
	HasPayload bool
	Timeout    time.Duration // time left until the deadline; negative: none

	// PayloadCompressed reports that Payload arrived compressed (see
	// Result.MessageCompressed).
	PayloadCompressed bool
}

// Take reads a completed request and hands over its call; the caller owns
// the Call from here on.
func (r *Request) Take() Incoming {
	cr := r.r
	need := C.grpcgo_request_result(cr, bytesPtr(r.scratch), C.size_t(len(r.scratch)))
	if int(need) > len(r.scratch) {
		r.scratch = make([]byte, max(int(need), 512))
		C.grpcgo_request_result(cr, bytesPtr(r.scratch), C.size_t(len(r.scratch)))
	}
	var in Incoming
	p := r.scratch
	n := int(cr.method_len)
	in.Method, p = string(p[:n]), p[n:]
	n = int(cr.host_len)
	in.Host, p = string(p[:n]), p[n:]
	n = int(cr.md_len)
	in.Metadata = p[:n:n]
	if cr.has_payload != 0 {
		in.HasPayload = true
		in.Payload = C.GoBytes(unsafe.Pointer(cr.payload_ptr), C.int(cr.payload_len))
		in.PayloadCompressed = cr.payload_compressed != 0
	}
	in.Timeout = time.Duration(cr.timeout_ns)
	if cr.call != nil {
		live.calls.Add(1)
		in.Call = &Call{c: cr.call}
		cr.call = nil
	}
	return in
}
