package grpc

import (
	"errors"
	"sync"
	"time"

	"github.com/grpcio-go/grpcio/core"
)

// Future mirrors grpc.Future as returned by a multi-callable's future(): the
// result of an RPC that is under way. It is also the RPC's Call. Safe for
// concurrent use.
type Future[Resp any] struct {
	deadline time.Time

	mu            sync.Mutex
	done          chan struct{}
	finished      bool
	cancelled     bool
	resp          Resp
	err           error
	call          *core.ClientCall
	initial       Metadata
	trailing      Metadata
	code          StatusCode
	details       string
	callbacks     []func()
	doneCallbacks []func(*Future[Resp])
	// onCancel, when set, runs (under mu) when Cancel ends the future; the
	// channel ready future unsubscribes with it.
	onCancel func()
}

func newFuture[Resp any](deadline time.Time) *Future[Resp] {
	return &Future[Resp]{deadline: deadline, done: make(chan struct{})}
}

// fail ends the future with an error raised before the RPC started.
func (f *Future[Resp]) fail(err error) {
	var zero Resp
	f.finish(zero, nil, err)
}

// finish records the outcome; it runs on core's polling goroutine, so user
// callbacks go to their own goroutine.
func (f *Future[Resp]) finish(resp Resp, call Call, err error) {
	f.mu.Lock()
	if f.finished {
		f.mu.Unlock()
		return
	}
	f.settleLocked(resp, call, err)
	cbs, dcbs := f.callbacks, f.doneCallbacks
	f.callbacks, f.doneCallbacks = nil, nil
	f.mu.Unlock()
	if len(cbs)+len(dcbs) > 0 {
		go f.runCallbacks(cbs, dcbs)
	}
}

func (f *Future[Resp]) settleLocked(resp Resp, call Call, err error) {
	f.finished = true
	f.resp, f.err = resp, err
	var rpcErr *RpcError
	switch {
	case call != nil:
		f.initial, f.trailing, f.code, f.details = call.InitialMetadata(), call.TrailingMetadata(), call.Code(), call.Details()
	case errors.As(err, &rpcErr):
		f.initial, f.trailing, f.code, f.details = rpcErr.initialMetadata, rpcErr.trailingMetadata, rpcErr.code, rpcErr.details
	case err == nil:
		f.code = OK // a future with no RPC behind it (ChannelReadyFuture)
	default:
		f.code = Unknown
		if err != nil {
			f.details = err.Error()
		}
	}
	close(f.done)
}

func (f *Future[Resp]) runCallbacks(cbs []func(), dcbs []func(*Future[Resp])) {
	for _, cb := range cbs {
		cb()
	}
	for _, cb := range dcbs {
		cb(f)
	}
}

// Cancel mirrors Future.cancel: it cancels the RPC, which ends with
// CANCELLED "Locally cancelled by application!", and reports true; once the
// RPC has ended it does nothing and reports false.
func (f *Future[Resp]) Cancel() bool {
	f.mu.Lock()
	if f.finished {
		f.mu.Unlock()
		return false
	}
	if f.call != nil {
		f.call.Cancel(int(Cancelled), detailsLocallyCancelled)
	}
	if f.onCancel != nil {
		f.onCancel()
	}
	f.cancelled = true
	var zero Resp
	f.settleLocked(zero, nil, &RpcError{code: Cancelled, details: detailsLocallyCancelled})
	cbs, dcbs := f.callbacks, f.doneCallbacks
	f.callbacks, f.doneCallbacks = nil, nil
	f.mu.Unlock()
	if len(cbs)+len(dcbs) > 0 {
		go f.runCallbacks(cbs, dcbs)
	}
	return true
}

// Cancelled mirrors Future.cancelled: whether Cancel ended the RPC.
func (f *Future[Resp]) Cancelled() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cancelled
}

// Running mirrors Future.running: whether the RPC is still under way.
func (f *Future[Resp]) Running() bool { return !f.Done() }

// Done mirrors Future.done: whether the RPC has ended (or was cancelled).
func (f *Future[Resp]) Done() bool {
	select {
	case <-f.done:
		return true
	default:
		return false
	}
}

// wait waits for the end of the RPC; a negative timeout waits forever.
func (f *Future[Resp]) wait(timeout time.Duration) bool {
	if timeout < 0 {
		<-f.done
		return true
	}
	select {
	case <-f.done:
		return true
	default:
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-f.done:
		return true
	case <-t.C:
		return false
	}
}

// Result mirrors Future.result(timeout): it waits up to timeout (negative:
// forever) and returns the response, FutureTimeoutError, FutureCancelledError
// or the RPC's *RpcError.
func (f *Future[Resp]) Result(timeout time.Duration) (Resp, error) {
	if !f.wait(timeout) {
		var zero Resp
		return zero, FutureTimeoutError
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cancelled {
		var zero Resp
		return zero, FutureCancelledError
	}
	return f.resp, f.err
}

// Exception mirrors Future.exception(timeout): the RPC's error (nil on
// success), FutureTimeoutError or FutureCancelledError.
func (f *Future[Resp]) Exception(timeout time.Duration) error {
	_, err := f.Result(timeout)
	return err
}

// AddDoneCallback mirrors Future.add_done_callback: fn runs with the future
// once it is done, at once (on the calling goroutine) if it already is.
func (f *Future[Resp]) AddDoneCallback(fn func(*Future[Resp])) {
	f.mu.Lock()
	if f.finished {
		f.mu.Unlock()
		fn(f)
		return
	}
	f.doneCallbacks = append(f.doneCallbacks, fn)
	f.mu.Unlock()
}

// IsActive reports whether the RPC is still under way.
func (f *Future[Resp]) IsActive() bool { return !f.Done() }

// TimeRemaining is the time left until the RPC's deadline (NoDeadline
// without one).
func (f *Future[Resp]) TimeRemaining() time.Duration { return timeRemaining(f.deadline) }

// AddCallback registers fn to run when the RPC ends; false if it has.
func (f *Future[Resp]) AddCallback(fn func()) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.finished {
		return false
	}
	f.callbacks = append(f.callbacks, fn)
	return true
}

// InitialMetadata waits for the end of the RPC and returns the server's
// initial metadata.
func (f *Future[Resp]) InitialMetadata() Metadata {
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.initial
}

// TrailingMetadata waits for the end of the RPC and returns the server's
// trailing metadata.
func (f *Future[Resp]) TrailingMetadata() Metadata {
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.trailing
}

// Code waits for the end of the RPC and returns its status code.
func (f *Future[Resp]) Code() StatusCode {
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.code
}

// Details waits for the end of the RPC and returns its status details.
func (f *Future[Resp]) Details() string {
	<-f.done
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.details
}
