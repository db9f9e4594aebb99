package grpc

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/grpcio-go/grpcio/core"
)

// Status mirrors grpc.Status: a status to end an RPC with, for
// ServicerContext.AbortWithStatus.
type Status struct {
	Code             StatusCode
	Details          string
	TrailingMetadata Metadata
}

// ServicerContext mirrors grpc.ServicerContext: the service-side context of
// one RPC. It is also a context.Context that is done when the RPC ends: the
// client cancelled, the deadline passed, or the status was sent. Safe for
// concurrent use.
type ServicerContext struct {
	call *core.ServerCall

	mu                     sync.Mutex
	code                   *StatusCode
	details                *string
	trailing               Metadata
	aborted                bool
	compression            *Compression
	disableNextCompression bool
}

var _ context.Context = (*ServicerContext)(nil)

func newServicerContext(call *core.ServerCall, compression *Compression) *ServicerContext {
	return &ServicerContext{call: call, compression: compression}
}

// Deadline is the RPC's deadline, if the client set one.
func (c *ServicerContext) Deadline() (time.Time, bool) {
	return c.call.Deadline, !c.call.Deadline.IsZero()
}

// Done is closed when the RPC ends.
func (c *ServicerContext) Done() <-chan struct{} { return c.call.Done() }

// Err is nil while the RPC runs, context.DeadlineExceeded if it ended
// after its deadline passed, and context.Canceled otherwise. As in grpc-go,
// a client that gives up at its own deadline (a moment before the server's,
// which is later by the network latency and the rounding of grpc-timeout)
// is seen as Canceled.
func (c *ServicerContext) Err() error {
	select {
	case <-c.call.Done():
	default:
		return nil
	}
	if dl := c.call.Deadline; !dl.IsZero() && !time.Now().Before(dl) {
		return context.DeadlineExceeded
	}
	return context.Canceled
}

// Value returns nil: a ServicerContext carries no values.
func (c *ServicerContext) Value(any) any { return nil }

// InvocationMetadata is the metadata the client sent (grpcio's
// invocation_metadata), including entries such as user-agent.
func (c *ServicerContext) InvocationMetadata() Metadata { return c.call.Metadata }

// Method is the full name of the RPC's method.
func (c *ServicerContext) Method() string { return c.call.Method }

// Peer is the client's address, e.g. "ipv4:127.0.0.1:54321".
func (c *ServicerContext) Peer() string { return c.call.Peer() }

// IsActive reports whether the RPC is still going: not cancelled and no
// status sent.
func (c *ServicerContext) IsActive() bool { return c.call.IsActive() }

// TimeRemaining is the time left before the deadline (NoDeadline without one).
func (c *ServicerContext) TimeRemaining() time.Duration { return timeRemaining(c.call.Deadline) }

// Cancel cancels the RPC; the client sees CANCELLED. It reports whether the
// RPC was still going.
func (c *ServicerContext) Cancel() bool {
	active := c.call.IsActive()
	c.call.Cancel()
	return active
}

// AddCallback registers fn to run when the RPC ends; false (and fn never
// runs) if it already has.
func (c *ServicerContext) AddCallback(fn func()) bool { return c.call.AddCallback(fn) }

// SendInitialMetadata sends the response's initial metadata now. It may be
// called once, before the response; a second call fails with grpcio's
// "Initial metadata no longer allowed!".
func (c *ServicerContext) SendInitialMetadata(md Metadata) error {
	if err := md.Validate(); err != nil {
		return &InvalidMetadataError{Metadata: md, Reason: err.Error()}
	}
	c.mu.Lock()
	md = c.withCompressionLocked(md)
	c.mu.Unlock()
	if err := c.call.SendInitialMetadata(md); err != nil {
		if err == core.ErrInitialMetadataSent {
			return &UsageError{initialMetadataNoLongerAllowed}
		}
		return &RpcError{code: Cancelled, details: "RPC has ended"}
	}
	return nil
}

// withCompressionLocked adds the compression request set with SetCompression.
func (c *ServicerContext) withCompressionLocked(md Metadata) Metadata {
	if c.compression == nil {
		return md
	}
	return append(md[:len(md):len(md)], Metadatum{compressionRequestKey, c.compression.metadataValue()})
}

// SetTrailingMetadata sets the metadata sent with the status.
func (c *ServicerContext) SetTrailingMetadata(md Metadata) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.trailing = md
}

// TrailingMetadata returns what SetTrailingMetadata set.
func (c *ServicerContext) TrailingMetadata() Metadata {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.trailing
}

// SetCode sets the status code the RPC ends with when the handler returns.
func (c *ServicerContext) SetCode(code StatusCode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.code = &code
}

// Code returns what SetCode set, or OK.
func (c *ServicerContext) Code() StatusCode {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.code == nil {
		return OK
	}
	return *c.code
}

// SetDetails sets the status details the RPC ends with.
func (c *ServicerContext) SetDetails(details string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.details = &details
}

// Details returns what SetDetails set.
func (c *ServicerContext) Details() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.details == nil {
		return ""
	}
	return *c.details
}

// SetCompression sets the compression of the response messages.
func (c *ServicerContext) SetCompression(comp Compression) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.compression = &comp
}

// DisableNextMessageCompression sends the next response message
// uncompressed.
func (c *ServicerContext) DisableNextMessageCompression() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.disableNextCompression = true
}

// LastRequestCompressed reports whether the last request message the
// handler received arrived compressed on the wire (its gRPC compressed flag
// was set, whatever the algorithm); the message has already been inflated.
// For a unary request that is the request; with a request iterator, the one
// it yielded last. grpcio has no counterpart: it cannot tell. It serves
// checks such as the interop tests' expect_compressed (a server must fail a
// request that asked to arrive compressed and did not). A message the
// client's C-core tried to compress but that did not shrink goes
// uncompressed, and reports false. Safe for concurrent use.
func (c *ServicerContext) LastRequestCompressed() bool { return c.call.LastMessageCompressed() }

// abortError is returned by Abort; the RPC's status is already decided.
type abortError struct{}

func (abortError) Error() string { return "grpc: RPC aborted" }

// Abort mirrors ServicerContext.abort: the RPC ends with code and details
// whatever the handler does afterwards. Return the error it returns from the
// handler, as grpcio's abort raises. OK is not a failure: it becomes UNKNOWN
// with empty details, as in grpcio.
func (c *ServicerContext) Abort(code StatusCode, details string) error {
	if code == OK {
		slog.Error("abort() called with StatusCode.OK; returning UNKNOWN")
		code, details = Unknown, ""
	}
	c.mu.Lock()
	c.code, c.details, c.aborted = &code, &details, true
	c.mu.Unlock()
	return abortError{}
}

// AbortWithStatus mirrors ServicerContext.abort_with_status: it sets the
// trailing metadata of status, then aborts with its code and details.
func (c *ServicerContext) AbortWithStatus(status Status) error {
	c.SetTrailingMetadata(status.TrailingMetadata)
	return c.Abort(status.Code, status.Details)
}

// behaviorFailed ends the RPC after the handler failed: grpcio's
// _call_behavior exception path.
func (c *ServicerContext) behaviorFailed(err error, panicked bool) {
	c.failed(detailsExceptionCalling, err, panicked)
}

// iterationFailed ends the RPC after its response iterator failed: grpcio's
// _take_response_from_response_iterator exception path.
func (c *ServicerContext) iterationFailed(err error, panicked bool) {
	c.failed(detailsIteratingResponses, err, panicked)
}

func (c *ServicerContext) failed(prefix string, err error, panicked bool) {
	c.mu.Lock()
	aborted := c.aborted
	c.mu.Unlock()
	if aborted {
		c.abortRPC(Unknown, detailsRPCAborted)
		return
	}
	if errors.Is(err, errRequestsEnded) || errors.Is(err, errBadRequest) {
		// The RPC has already ended; grpcio does not report its own errors.
		return
	}
	details := prefix + err.Error()
	if panicked {
		slog.Error(details, "method", c.call.Method, "panic", true)
	} else {
		slog.Error(details, "method", c.call.Method)
	}
	c.abortRPC(Unknown, details)
}

// abortRPC ends the RPC with a failure status: code and details set by the
// handler win over the given ones (grpcio's _abort).
func (c *ServicerContext) abortRPC(code StatusCode, details string) {
	c.mu.Lock()
	r := c.replyLocked(code, details)
	c.mu.Unlock()
	_ = c.call.Finish(&r)
}

// recvRequest reads the next request message: the one C-core read with the
// call first (registered unary-request methods), then from the stream.
func (c *ServicerContext) recvRequest() ([]byte, bool, error) {
	if b, ok := c.call.TakePayload(); ok {
		return b, true, nil
	}
	return c.call.RecvMessage()
}

// sendResponse sends one response message (with the initial metadata if it
// has not gone yet); false once the RPC is over.
func (c *ServicerContext) sendResponse(b []byte) bool {
	c.mu.Lock()
	initial := c.withCompressionLocked(nil)
	var flags uint32
	if c.disableNextCompression {
		flags = core.FlagNoCompress
		c.disableNextCompression = false
	}
	c.mu.Unlock()
	return c.call.SendMessage(b, flags, initial) == nil
}

// finish ends the RPC after the handler succeeded: the status is the code
// and details set on the context (OK and "" by default), sent with the
// response.
func (c *ServicerContext) finish(resp []byte, hasResp bool) {
	c.mu.Lock()
	r := c.replyLocked(OK, "")
	r.Message, r.HasMessage = resp, hasResp
	if c.disableNextCompression {
		r.MessageFlags = core.FlagNoCompress
		c.disableNextCompression = false
	}
	c.mu.Unlock()
	_ = c.call.Finish(&r)
}

// replyLocked is the end of the RPC with the code and details set on the
// context, or else the given ones, and the trailing metadata.
func (c *ServicerContext) replyLocked(code StatusCode, details string) core.Reply {
	if c.code != nil {
		code = *c.code
	}
	if c.details != nil {
		details = *c.details
	}
	trailing := c.trailing
	if err := trailing.Validate(); err != nil {
		// C-core would refuse the whole status batch and the client would
		// wait for its deadline (grpcio's fate); end the RPC with the error.
		mdErr := &InvalidMetadataError{Metadata: trailing, Reason: err.Error()}
		slog.Error(detailsExceptionCalling+mdErr.Error(), "method", c.call.Method)
		code, details, trailing = Unknown, detailsExceptionCalling+mdErr.Error(), nil
	}
	return core.Reply{
		InitialMetadata:  c.withCompressionLocked(nil),
		Code:             code.wireCode(),
		Details:          details,
		TrailingMetadata: trailing,
	}
}
