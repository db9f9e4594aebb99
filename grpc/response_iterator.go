package grpc

import (
	"errors"
	"io"
	"iter"
	"sync"
	"time"

	"github.com/grpcio-go/grpcio/core"
)

// ResponseIterator is the response stream of a unary-stream or
// stream-stream RPC, and the RPC's Call: what grpcio returns from those
// multi-callables (its _MultiThreadedRendezvous). Next returns the responses
// in order, then io.EOF after an OK status or the *RpcError of any other.
// Safe for concurrent use; concurrent Next calls are served one at a time.
type ResponseIterator[Resp any] struct {
	cc       *core.ClientCall
	deser    Deserializer[Resp]
	deadline time.Time

	mu  sync.Mutex
	err error // io.EOF or *RpcError once the stream has ended
}

func newResponseIterator[Resp any](cc *core.ClientCall, deser Deserializer[Resp], deadline time.Time) *ResponseIterator[Resp] {
	return &ResponseIterator[Resp]{cc: cc, deser: deser, deadline: deadline}
}

// Next blocks for the next response. At the end of the stream it returns
// io.EOF if the RPC ended OK, else the RPC's *RpcError; it keeps returning
// that error afterwards.
func (it *ResponseIterator[Resp]) Next() (Resp, error) {
	var zero Resp
	it.mu.Lock()
	defer it.mu.Unlock()
	if it.err != nil {
		return zero, it.err
	}
	if msg, ok := it.cc.RecvMessage(); ok {
		resp, err := deserializeSafely(it.deser, msg)
		if err == nil {
			return resp, nil
		}
		// grpcio cancels the RPC with this status.
		it.cc.Cancel(int(Internal), detailsDeserializeResponse)
	}
	st := it.cc.Status()
	if code, _ := statusFromWire(st.Code, st.Details); code == OK {
		it.err = io.EOF
	} else {
		it.err = rpcErrorFromStatus(st, it.cc.InitialMetadata())
	}
	return zero, it.err
}

// All returns the remaining responses as an iterator of (response, nil),
// ending after an OK status, or with (zero, *RpcError) on any other.
// Leaving the loop early does not cancel the RPC; call Cancel for that.
func (it *ResponseIterator[Resp]) All() iter.Seq2[Resp, error] {
	return func(yield func(Resp, error) bool) {
		for {
			resp, err := it.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if !yield(resp, err) || err != nil {
				return
			}
		}
	}
}

// Cancel cancels the RPC, which ends with CANCELLED "Locally cancelled by
// application!"; it reports false if the RPC had already ended.
func (it *ResponseIterator[Resp]) Cancel() bool {
	if it.cc.Finished() {
		return false
	}
	it.cc.Cancel(int(Cancelled), detailsLocallyCancelled)
	return true
}

// IsActive reports whether the RPC is still under way.
func (it *ResponseIterator[Resp]) IsActive() bool { return !it.cc.Finished() }

// TimeRemaining is the time left until the RPC's deadline (NoDeadline
// without one).
func (it *ResponseIterator[Resp]) TimeRemaining() time.Duration { return timeRemaining(it.deadline) }

// AddCallback registers fn to run when the RPC ends; false if it has.
func (it *ResponseIterator[Resp]) AddCallback(fn func()) bool { return it.cc.AddCallback(fn) }

// InitialMetadata waits for the server's initial metadata.
func (it *ResponseIterator[Resp]) InitialMetadata() Metadata { return it.cc.InitialMetadata() }

// TrailingMetadata waits for the end of the RPC and returns the trailing
// metadata.
func (it *ResponseIterator[Resp]) TrailingMetadata() Metadata { return it.cc.Status().TrailingMetadata }

// Code waits for the end of the RPC and returns its status code.
func (it *ResponseIterator[Resp]) Code() StatusCode {
	st := it.cc.Status()
	code, _ := statusFromWire(st.Code, st.Details)
	return code
}

// Details waits for the end of the RPC and returns its status details.
func (it *ResponseIterator[Resp]) Details() string {
	st := it.cc.Status()
	_, details := statusFromWire(st.Code, st.Details)
	return details
}

// DebugErrorString waits for the end of the RPC and returns C-core's
// description of a failure.
func (it *ResponseIterator[Resp]) DebugErrorString() string { return it.cc.Status().DebugErrorString }

// rpcErrorFromStatus is the *RpcError of a non-OK status.
func rpcErrorFromStatus(st core.Status, initial Metadata) *RpcError {
	code, details := statusFromWire(st.Code, st.Details)
	return &RpcError{
		code:             code,
		details:          details,
		initialMetadata:  initial,
		trailingMetadata: st.TrailingMetadata,
		debugErrorString: st.DebugErrorString,
	}
}
