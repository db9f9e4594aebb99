package core

import (
	"errors"
	"sync"
	"time"

	ccore "github.com/grpcio-go/grpcio/cgo"
)

// ErrCallEnded is returned by operations on a server call whose status was
// sent or which was cancelled.
var ErrCallEnded = errors.New("the RPC has already ended")

// ErrInitialMetadataSent is grpcio's error for a second initial metadata.
var ErrInitialMetadataSent = errors.New("Initial metadata no longer allowed!")

// ServerCall is the state of one RPC on a server: grpcio's _RPCState on the
// server side. The exported fields are set once before the handler runs; mu
// guards everything else.
type ServerCall struct {
	s        *Server
	Method   string
	Host     string
	Metadata Metadata
	Deadline time.Time // zero: no deadline

	payload    []byte
	hasPayload bool

	mu          sync.Mutex
	call        *ccore.Call // nil once released
	due         int         // batches in flight
	initialSent bool
	statusSent  bool
	closed      bool // RECV_CLOSE_ON_SERVER completed: the RPC is over
	cancelled   bool // ...because it failed or was cancelled
	done        chan struct{}
	callbacks   []func()
	peer        string
	// lastCompressed: the last request message received arrived compressed.
	lastCompressed bool
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func newServerCall(s *Server, in ccore.Incoming, m *registeredMethod) *ServerCall {
	c := &ServerCall{
		s:          s,
		Method:     in.Method,
		Host:       in.Host,
		Metadata:   decodeFlat(in.Metadata),
		payload:    in.Payload,
		hasPayload: in.HasPayload,
		call:       in.Call,

		lastCompressed: in.PayloadCompressed,
	}
	if m != nil {
		c.Method = m.name
	}
	if in.Timeout >= 0 {
		c.Deadline = time.Now().Add(in.Timeout)
	}
	return c
}

// startLocked starts a batch on the call and counts it as due.
func (c *ServerCall) startLocked(op *Op, send *ccore.Send) error {
	q := c.s.cq
	q.Started()
	if err := c.call.StartBatch(op.Batch, send, op.Tag()); err != nil {
		q.Failed()
		return err
	}
	c.due++
	return nil
}

// releaseLocked unrefs the C call once the RPC is over and nothing is in
// flight; later operations fail with ErrCallEnded.
func (c *ServerCall) releaseLocked() {
	if c.call != nil && c.due == 0 && c.closed {
		c.call.Unref()
		c.call = nil
	}
}

// watchClose starts RECV_CLOSE_ON_SERVER, whose completion marks the end of
// the RPC.
func (c *ServerCall) watchClose() {
	q := c.s.cq
	var op *Op
	op = q.GetOp(func(ok bool) func() {
		cancelled := op.Batch.Result().Cancelled || !ok
		q.PutOp(op)
		c.mu.Lock()
		c.due--
		c.closed = true
		c.cancelled = cancelled
		if c.done != nil {
			close(c.done)
		}
		cbs := c.callbacks
		c.callbacks = nil
		c.releaseLocked()
		c.mu.Unlock()
		if len(cbs) == 0 {
			return nil
		}
		go func() {
			for _, cb := range cbs {
				cb()
			}
		}()
		return nil
	})
	c.mu.Lock()
	err := c.startLocked(op, &ccore.Send{Ops: ccore.OpRecvCloseOnServer})
	if err != nil {
		c.closed, c.cancelled = true, true
		c.releaseLocked()
	}
	c.mu.Unlock()
	if err != nil {
		q.PutOp(op)
	}
}

// TakePayload returns the first request message when C-core read it with
// the call (registered unary-request methods), once.
func (c *ServerCall) TakePayload() ([]byte, bool) {
	p, ok := c.payload, c.hasPayload
	c.payload, c.hasPayload = nil, false
	return p, ok
}

// HasPayload reports whether the first message came with the call.
func (c *ServerCall) HasPayload() bool { return c.hasPayload }

// RecvMessage blocks until the next request message arrives. ok is false
// at the end of the request stream; err is ErrCallEnded instead when the RPC
// is over (cancelled, deadline, or already answered).
func (c *ServerCall) RecvMessage() (msg []byte, ok bool, err error) {
	r, err := c.blockingOp(ccore.Send{Ops: ccore.OpRecvMessage}, nil)
	if err != nil {
		return nil, false, err
	}
	if r.HasMessage {
		c.mu.Lock()
		c.lastCompressed = r.MessageCompressed
		c.mu.Unlock()
	}
	return r.Message, r.HasMessage, nil
}

// LastMessageCompressed reports whether the last request message received,
// the one that came with the call or the last one RecvMessage returned,
// arrived compressed on the wire (C-core has inflated it).
func (c *ServerCall) LastMessageCompressed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastCompressed
}

// SendMessage sends one response message, with the initial metadata first
// if none was sent yet, and blocks until C-core has taken it (grpcio's
// _send_response waits too, which paces a fast handler). It fails with
// ErrCallEnded once the RPC is over.
func (c *ServerCall) SendMessage(msg []byte, flags uint32, initial Metadata) error {
	_, err := c.blockingOp(ccore.Send{Ops: ccore.OpSendMessage, Message: msg, MessageFlags: flags}, func(send *ccore.Send) {
		if !c.initialSent {
			send.Ops |= ccore.OpSendInitialMetadata
			if len(initial) > 0 {
				send.InitialMetadata = appendFlat(nil, initial)
				send.InitialMetadataCount = len(initial)
			}
			c.initialSent = true
		}
	})
	return err
}

// blockingOp runs one batch on the call and waits for it, leader/follower
// style; prepare, when set, completes the batch under the call's lock.
func (c *ServerCall) blockingOp(send ccore.Send, prepare func(*ccore.Send)) (ccore.Result, error) {
	q := c.s.cq
	op := q.GetOp(nil)
	c.mu.Lock()
	if c.call == nil || c.closed || c.statusSent {
		c.mu.Unlock()
		q.PutOp(op)
		return ccore.Result{}, ErrCallEnded
	}
	if prepare != nil {
		prepare(&send)
	}
	if err := c.startLocked(op, &send); err != nil {
		c.mu.Unlock()
		q.PutOp(op)
		return ccore.Result{}, err
	}
	c.mu.Unlock()
	ok := q.Wait(op)
	var r ccore.Result
	if ok {
		r = op.Batch.Result()
	}
	q.PutOp(op)
	c.mu.Lock()
	c.due--
	c.releaseLocked()
	c.mu.Unlock()
	if !ok {
		return r, ErrCallEnded
	}
	return r, nil
}

// asyncOp is an op for a send batch nobody waits for.
func (c *ServerCall) asyncOp() *Op {
	q := c.s.cq
	var op *Op
	op = q.GetOp(func(bool) func() {
		q.PutOp(op)
		c.mu.Lock()
		c.due--
		c.releaseLocked()
		c.mu.Unlock()
		return nil
	})
	return op
}

// SendInitialMetadata sends the response headers now (grpcio's
// send_initial_metadata). It may be called once, before any response.
func (c *ServerCall) SendInitialMetadata(md Metadata) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.initialSent {
		return ErrInitialMetadataSent
	}
	if c.call == nil || c.closed || c.statusSent {
		return ErrCallEnded
	}
	op := c.asyncOp()
	send := ccore.Send{Ops: ccore.OpSendInitialMetadata}
	if len(md) > 0 {
		send.InitialMetadata = appendFlat(nil, md)
		send.InitialMetadataCount = len(md)
	}
	if err := c.startLocked(op, &send); err != nil {
		c.s.cq.PutOp(op)
		return err
	}
	c.initialSent = true
	return nil
}

// InitialMetadataSent reports whether initial metadata went out.
func (c *ServerCall) InitialMetadataSent() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.initialSent
}

// Reply is the end of an RPC on the server: optional initial metadata (sent
// if none was sent yet), an optional last message and the status.
type Reply struct {
	InitialMetadata  Metadata
	Message          []byte
	HasMessage       bool
	MessageFlags     uint32
	Code             int
	Details          string
	TrailingMetadata Metadata
}

// Finish sends the reply in one batch without waiting for it to complete.
func (c *ServerCall) Finish(r *Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.call == nil || c.closed || c.statusSent {
		return ErrCallEnded
	}
	send := ccore.Send{
		Ops:     ccore.OpSendStatusFromServer,
		Status:  r.Code,
		Details: r.Details,
	}
	if !c.initialSent {
		send.Ops |= ccore.OpSendInitialMetadata
		if len(r.InitialMetadata) > 0 {
			send.InitialMetadata = appendFlat(nil, r.InitialMetadata)
			send.InitialMetadataCount = len(r.InitialMetadata)
		}
	}
	if r.HasMessage {
		send.Ops |= ccore.OpSendMessage
		send.Message = r.Message
		send.MessageFlags = r.MessageFlags
	}
	if len(r.TrailingMetadata) > 0 {
		send.TrailingMetadata = appendFlat(nil, r.TrailingMetadata)
		send.TrailingMetadataCount = len(r.TrailingMetadata)
	}
	op := c.asyncOp()
	if err := c.startLocked(op, &send); err != nil {
		c.s.cq.PutOp(op)
		// Never leave the client waiting for a status that cannot be sent.
		_ = c.call.CancelWithStatus(StatusUnknown, "the server could not send its status: "+err.Error())
		return err
	}
	c.initialSent = true
	c.statusSent = true
	return nil
}

// Peer returns the client's address, for example "ipv4:127.0.0.1:51234".
func (c *ServerCall) Peer() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.peer == "" && c.call != nil {
		c.peer = c.call.Peer()
	}
	return c.peer
}

// Cancel cancels the RPC; the client sees CANCELLED.
func (c *ServerCall) Cancel() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.call != nil && !c.closed {
		_ = c.call.Cancel()
	}
}

// IsActive reports whether the RPC is still going: not cancelled, no
// status sent (grpcio's is_active).
func (c *ServerCall) IsActive() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.statusSent && !c.cancelled
}

// Cancelled reports whether the RPC ended without its status reaching the
// client (cancelled, deadline, connection lost).
func (c *ServerCall) Cancelled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cancelled
}

// Done is closed when the RPC is over: its status was sent and the stream
// closed, or it was cancelled.
func (c *ServerCall) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return closedChan
	}
	if c.done == nil {
		c.done = make(chan struct{})
	}
	return c.done
}

// AddCallback registers fn to run when the RPC is over; it returns false
// (and does not register fn) if the RPC is already over.
func (c *ServerCall) AddCallback(fn func()) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.callbacks = append(c.callbacks, fn)
	return true
}
