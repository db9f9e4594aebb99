package core

import (
	"context"
	"sync"

	"github.com/grpcio-go/grpcio/cgo"
)

// streamState is the part of a ClientCall that streaming RPCs use: the
// results of the batches that run for the whole call, and the locks that
// keep one receive and one send in flight at a time (C-core refuses more).
// The fields are guarded by ClientCall.mu, the locks by themselves.
type streamState struct {
	initialMetadata Metadata
	initialDone     chan struct{} // closed when RECV_INITIAL_METADATA completed
	status          Status
	statusDone      chan struct{} // closed when RECV_STATUS_ON_CLIENT completed
	callbacks       []func()
	stopWatch       func() bool

	recvMu sync.Mutex
	sendMu sync.Mutex
}

// StartCall starts a call whose messages are read and written one batch at
// a time: grpcio's integrated call for the streaming shapes. With
// unaryRequest, req is sent and the client half closes at once (unary-stream);
// otherwise the caller sends with SendMessage and ends with CloseSend. The
// initial metadata and the status are received by batches started here and
// delivered whoever polls. ctx, when not nil, cancels the call when done.
// An error means nothing was started.
func (c *Channel) StartCall(ctx context.Context, m *Method, opts *CallOptions, req []byte, unaryRequest bool) (*ClientCall, error) {
	cc, err := c.newCall(m, opts)
	if err != nil {
		return nil, err
	}
	cc.stream = &streamState{initialDone: make(chan struct{}), statusDone: make(chan struct{})}
	q := c.cq

	send := cgo.Send{Ops: cgo.OpSendInitialMetadata, InitialMetadataFlags: opts.InitialFlags}
	if len(opts.Metadata) > 0 {
		send.InitialMetadata = appendFlat(nil, opts.Metadata)
		send.InitialMetadataCount = len(opts.Metadata)
	}
	if unaryRequest {
		send.Ops |= cgo.OpSendMessage | cgo.OpSendCloseFromClient
		send.Message = req
		send.MessageFlags = opts.MessageFlags
	}
	// These three batches are lazy: they complete whenever somebody polls,
	// and whoever needs their outcome (InitialMetadata, Status) polls until
	// they have. Keeping the background goroutine polling for them would
	// hand every message of the stream over from it.
	var sendOp, initialOp, statusOp *Op
	sendOp = q.GetLazyOp(func(bool) func() {
		q.PutOp(sendOp)
		cc.batchDone()
		return nil
	})
	initialOp = q.GetLazyOp(func(bool) func() {
		md := decodeFlat(initialOp.Batch.Result().InitialMetadata)
		q.PutOp(initialOp)
		cc.mu.Lock()
		cc.stream.initialMetadata = md
		close(cc.stream.initialDone)
		cc.mu.Unlock()
		cc.batchDone()
		return nil
	})
	statusOp = q.GetLazyOp(func(bool) func() {
		r := statusOp.Batch.Result()
		st := Status{
			Code:             r.Status,
			Details:          r.Details,
			TrailingMetadata: decodeFlat(r.TrailingMetadata),
			DebugErrorString: r.DebugErrorString,
		}
		q.PutOp(statusOp)
		cc.mu.Lock()
		s := cc.stream
		s.status = st
		cc.finished = true
		close(s.statusDone)
		cbs, stop := s.callbacks, s.stopWatch
		s.callbacks = nil
		cc.mu.Unlock()
		cc.batchDone()
		if stop != nil {
			stop()
		}
		if len(cbs) > 0 {
			go func() {
				for _, cb := range cbs {
					cb()
				}
			}()
		}
		return nil
	})

	cc.mu.Lock()
	if err := cc.startLocked(sendOp, &send); err != nil {
		cc.mu.Unlock()
		q.PutOp(initialOp)
		q.PutOp(statusOp)
		cc.abandon(sendOp)
		return nil, err
	}
	// C-core refusing a receive on a fresh call is a bug of ours; should it
	// happen, the call is cancelled and the batches already started complete.
	if err = cc.startLocked(initialOp, &cgo.Send{Ops: cgo.OpRecvInitialMetadata}); err != nil {
		q.PutOp(initialOp)
		q.PutOp(statusOp)
		_ = cc.call.Cancel()
	} else if err = cc.startLocked(statusOp, &cgo.Send{Ops: cgo.OpRecvStatusOnClient}); err != nil {
		q.PutOp(statusOp)
		_ = cc.call.Cancel()
	}
	if err == nil && ctx != nil {
		cc.stream.stopWatch = cc.watch(ctx)
	}
	cc.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return cc, nil
}

// batchDone accounts for a completed batch and releases the call once none
// is left.
func (cc *ClientCall) batchDone() {
	cc.mu.Lock()
	cc.due--
	released := cc.releaseLocked()
	cc.mu.Unlock()
	if released {
		cc.ch.forget(cc)
	}
}

// RecvMessage blocks until the next response message arrives; ok is false
// at the end of the response stream (or once the call is over).
func (cc *ClientCall) RecvMessage() (msg []byte, ok bool) {
	cc.stream.recvMu.Lock()
	defer cc.stream.recvMu.Unlock()
	r, ok := cc.blockingOp(cgo.Send{Ops: cgo.OpRecvMessage})
	if !ok {
		return nil, false
	}
	return r.Message, r.HasMessage
}

// SendMessage sends one request message and blocks until C-core has taken
// it (so a fast writer is slowed to the pace of the transport); it reports
// false once the call is over.
func (cc *ClientCall) SendMessage(msg []byte, flags uint32) bool {
	cc.stream.sendMu.Lock()
	defer cc.stream.sendMu.Unlock()
	_, ok := cc.blockingOp(cgo.Send{Ops: cgo.OpSendMessage, Message: msg, MessageFlags: flags})
	return ok
}

// CloseSend half-closes the call: no more request messages.
func (cc *ClientCall) CloseSend() bool {
	cc.stream.sendMu.Lock()
	defer cc.stream.sendMu.Unlock()
	_, ok := cc.blockingOp(cgo.Send{Ops: cgo.OpSendCloseFromClient})
	return ok
}

// blockingOp runs one batch and waits for it, leader/follower style. ok is
// false when the call is already released or the batch failed.
func (cc *ClientCall) blockingOp(send cgo.Send) (cgo.Result, bool) {
	q := cc.ch.cq
	op := q.GetOp(nil)
	cc.mu.Lock()
	if cc.call == nil {
		cc.mu.Unlock()
		q.PutOp(op)
		return cgo.Result{}, false
	}
	err := cc.startLocked(op, &send)
	cc.mu.Unlock()
	if err != nil {
		q.PutOp(op)
		return cgo.Result{}, false
	}
	ok := q.Wait(op)
	var r cgo.Result
	if ok {
		r = op.Batch.Result()
	}
	q.PutOp(op)
	cc.batchDone()
	return r, ok
}

// InitialMetadata waits for the server's initial metadata (nil if the call
// ended without any), polling the queue meanwhile if nobody does.
func (cc *ClientCall) InitialMetadata() Metadata {
	cc.ch.cq.WaitUntil(cc.stream.initialDone)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.stream.initialMetadata
}

// Status waits for the end of the call and returns its status, polling the
// queue meanwhile if nobody does.
func (cc *ClientCall) Status() Status {
	cc.ch.cq.WaitUntil(cc.stream.statusDone)
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.stream.status
}

// Finished reports whether the call has ended.
func (cc *ClientCall) Finished() bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.finished
}

// AddCallback registers fn to run (on its own goroutine) when the call
// ends; false if it has ended already. The first callback starts a
// goroutine that waits for the status, so that the queue is polled until
// the call ends even if nobody reads it.
func (cc *ClientCall) AddCallback(fn func()) bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.finished {
		return false
	}
	if len(cc.stream.callbacks) == 0 {
		go cc.ch.cq.WaitUntil(cc.stream.statusDone)
	}
	cc.stream.callbacks = append(cc.stream.callbacks, fn)
	return true
}
