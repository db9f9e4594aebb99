package core

import (
	"context"
	"errors"
	"sync"

	"github.com/grpcio-go/grpcio/cgo"
)

// Status is how an RPC ended, as the client received it.
type Status struct {
	Code             int
	Details          string
	TrailingMetadata Metadata
	DebugErrorString string
}

// UnaryResult is everything a unary-response RPC received.
type UnaryResult struct {
	InitialMetadata Metadata
	Response        []byte
	HasResponse     bool
	Status          Status
}

// ClientCall is the state of one client RPC: grpcio's _RPCState on top of
// cygrpc's call. mu guards every field below it.
type ClientCall struct {
	ch     *Channel
	method string

	mu        sync.Mutex
	call      *cgo.Call // nil once released
	due       int       // batches in flight
	finished  bool      // the status has been received
	cancelled bool      // cancelled locally
	stream    *streamState
}

// cancelLocked cancels the call with a status while the caller holds the
// channel's lock (channel close) or nothing else.
func (cc *ClientCall) cancelLocked(code int, details string) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.call == nil || cc.finished {
		return
	}
	cc.cancelled = true
	_ = cc.call.CancelWithStatus(code, details)
}

// Cancel cancels the call with the given status; the RPC ends with it unless
// it already ended. Safe from any goroutine.
func (cc *ClientCall) Cancel(code int, details string) { cc.cancelLocked(code, details) }

// watch cancels the call when ctx is done: with DEADLINE_EXCEEDED when its
// deadline passed, else CANCELLED "Locally cancelled by application!". The
// returned function stops watching.
func (cc *ClientCall) watch(ctx context.Context) (stop func() bool) {
	if ctx == nil || ctx.Done() == nil {
		return nil
	}
	return context.AfterFunc(ctx, func() {
		if ctx.Err() == context.DeadlineExceeded {
			cc.Cancel(StatusDeadlineExceeded, DetailsDeadlineExceeded)
			return
		}
		cc.Cancel(StatusCancelled, DetailsLocallyCancelled)
	})
}

// release unrefs the C call once nothing is in flight and forgets it.
func (cc *ClientCall) releaseLocked() bool {
	if cc.call == nil || cc.due > 0 {
		return false
	}
	cc.call.Unref()
	cc.call = nil
	return true
}

// startLocked starts one batch on the call, counting it as due.
func (cc *ClientCall) startLocked(op *Op, s *cgo.Send) error {
	q := cc.ch.cq
	if !op.lazy {
		q.Started()
	}
	if err := cc.call.StartBatch(op.Batch, s, op.Tag()); err != nil {
		if !op.lazy {
			q.Failed()
		}
		return err
	}
	cc.due++
	return nil
}

const unaryOps = cgo.OpSendInitialMetadata | cgo.OpSendMessage | cgo.OpSendCloseFromClient |
	cgo.OpRecvInitialMetadata | cgo.OpRecvMessage | cgo.OpRecvStatusOnClient

func unarySend(req []byte, opts *CallOptions) cgo.Send {
	s := cgo.Send{
		Ops:                  unaryOps,
		InitialMetadataFlags: opts.InitialFlags,
		Message:              req,
		MessageFlags:         opts.MessageFlags,
	}
	if len(opts.Metadata) > 0 {
		s.InitialMetadata = appendFlat(nil, opts.Metadata)
		s.InitialMetadataCount = len(opts.Metadata)
	}
	return s
}

func readUnary(b *cgo.Batch) UnaryResult {
	r := b.Result()
	return UnaryResult{
		InitialMetadata: decodeFlat(r.InitialMetadata),
		Response:        r.Message,
		HasResponse:     r.HasMessage,
		Status: Status{
			Code:             r.Status,
			Details:          r.Details,
			TrailingMetadata: decodeFlat(r.TrailingMetadata),
			DebugErrorString: r.DebugErrorString,
		},
	}
}

// UnaryUnary runs a unary-unary RPC and blocks until it ends: one batch of
// six operations, waited for leader/follower style. ctx, when not nil,
// cancels the RPC when done. An error means the RPC could not start (closed
// channel, metadata C-core refused); the RPC's own outcome is in the result.
func (c *Channel) UnaryUnary(ctx context.Context, m *Method, req []byte, opts *CallOptions) (UnaryResult, error) {
	if c.mode == PerCallPluck {
		return c.unaryUnaryPluck(ctx, m, req, opts)
	}
	cc, err := c.newCall(m, opts)
	if err != nil {
		return UnaryResult{}, err
	}
	q := c.cq
	op := q.GetOp(nil)
	s := unarySend(req, opts)
	cc.mu.Lock()
	err = cc.startLocked(op, &s)
	cc.mu.Unlock()
	if err != nil {
		cc.abandon(op)
		return UnaryResult{}, err
	}
	var stop func() bool
	if ctx != nil {
		stop = cc.watch(ctx)
	}
	q.Wait(op)
	if stop != nil {
		stop()
	}
	res := readUnary(op.Batch)
	cc.finish(op)
	return res, nil
}

// abandon releases a call whose first batch C-core refused.
func (cc *ClientCall) abandon(op *Op) {
	cc.ch.cq.PutOp(op)
	cc.mu.Lock()
	cc.finished = true
	cc.releaseLocked()
	cc.mu.Unlock()
	cc.ch.forget(cc)
}

// finish ends a call whose final batch completed.
func (cc *ClientCall) finish(op *Op) {
	cc.ch.cq.PutOp(op)
	cc.mu.Lock()
	cc.due--
	cc.finished = true
	cc.releaseLocked()
	cc.mu.Unlock()
	cc.ch.forget(cc)
}

// StartUnaryUnary starts a unary-unary RPC without waiting: done runs with
// the result on the polling goroutine when it ends, so it must not block.
// The returned call can be cancelled.
func (c *Channel) StartUnaryUnary(ctx context.Context, m *Method, req []byte, opts *CallOptions, done func(UnaryResult)) (*ClientCall, error) {
	cc, err := c.newCall(m, opts)
	if err != nil {
		return nil, err
	}
	q := c.cq
	var stop func() bool
	var op *Op
	op = q.GetOp(func(bool) func() {
		if stop != nil {
			stop()
		}
		res := readUnary(op.Batch)
		cc.finish(op)
		done(res)
		return nil
	})
	s := unarySend(req, opts)
	cc.mu.Lock()
	if ctx != nil {
		stop = cc.watch(ctx)
	}
	err = cc.startLocked(op, &s)
	cc.mu.Unlock()
	if err != nil {
		if stop != nil {
			stop()
		}
		cc.abandon(op)
		return nil, err
	}
	q.Kick()
	return cc, nil
}

// IsInvalidMetadata reports whether err is C-core refusing metadata.
func IsInvalidMetadata(err error) bool { return errors.Is(err, cgo.CallErrorInvalidMetadata) }
