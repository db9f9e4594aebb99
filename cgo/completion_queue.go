package cgo

/*
#include "grpcgo.h"
*/
import "C"

import "time"

// Event types of a completion queue event (grpc_completion_type).
const (
	QueueShutdown = int(C.GRPC_QUEUE_SHUTDOWN)
	QueueTimeout  = int(C.GRPC_QUEUE_TIMEOUT)
	OpComplete    = int(C.GRPC_OP_COMPLETE)
)

// MaxEvents is how many events one Next call can return.
const MaxEvents = C.GRPCGO_MAX_EVENTS

// Events receives the events of one Next call. It holds no Go pointers, so
// C-core's side may write it during the call.
type Events struct {
	n   int
	evs [MaxEvents]C.grpcgo_event
}

// Len is the number of events the last Next returned.
func (e *Events) Len() int { return e.n }

// At returns event i: its type, whether it succeeded and its tag.
func (e *Events) At(i int) (typ int, ok bool, tag uintptr) {
	ev := &e.evs[i]
	return int(ev._type), ev.success != 0, uintptr(ev.tag)
}

// CompletionQueue is a GRPC_CQ_NEXT completion queue
// (grpc_completion_queue_create_for_next).
type CompletionQueue struct {
	cq *C.grpc_completion_queue
}

// NewCompletionQueue creates a completion queue polled with Next.
func NewCompletionQueue() *CompletionQueue {
	live.cqs.Add(1)
	return &CompletionQueue{cq: C.grpc_completion_queue_create_for_next(nil)}
}

// NewPluckQueue creates a GRPC_CQ_PLUCK completion queue, on which the
// caller waits for one tag with Pluck
// (grpc_completion_queue_create_for_pluck).
func NewPluckQueue() *CompletionQueue {
	live.cqs.Add(1)
	return &CompletionQueue{cq: C.grpc_completion_queue_create_for_pluck(nil)}
}

// Pluck blocks until tag completes on a pluck queue and returns whether it
// succeeded (grpc_completion_queue_pluck).
func (q *CompletionQueue) Pluck(tag uintptr) bool {
	return C.grpcgo_cq_pluck(q.cq, C.uintptr_t(tag)) != 0
}

// Next waits for at least one event, forever when timeout is negative, at
// most timeout otherwise (0: not at all), then takes every event that is
// ready, up to MaxEvents, in one crossing (grpc_completion_queue_next in a
// loop). It returns 0 when the wait timed out. A QueueShutdown event is
// always the last one returned.
func (q *CompletionQueue) Next(e *Events, timeout time.Duration) int {
	e.n = int(C.grpcgo_cq_next_many(q.cq, &e.evs[0], C.int(MaxEvents), C.int64_t(timeout)))
	return e.n
}

// Shutdown begins shutting the queue down (grpc_completion_queue_shutdown):
// Next returns QueueShutdown once every pending tag has been delivered.
func (q *CompletionQueue) Shutdown() { C.grpc_completion_queue_shutdown(q.cq) }

// Destroy releases the queue (grpc_completion_queue_destroy). It must follow
// Shutdown and the QueueShutdown event (for a pluck queue: Shutdown with no
// tag pending).
func (q *CompletionQueue) Destroy() {
	if q.cq == nil {
		return
	}
	C.grpc_completion_queue_destroy(q.cq)
	q.cq = nil
	live.cqs.Add(-1)
}
