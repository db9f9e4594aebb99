package core

import (
	"runtime"
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"time"

	ccore "github.com/grpcio-go/grpcio/cgo"
)

// Signals sent to a parked goroutine.
const (
	sigDone int8 = iota + 1 // your operation completed
	sigLead                 // poll the queue
	sigWork                 // run this work item (idle workers only)
	sigExit                 // the queue is shut down (idle workers only)
)

type signal struct {
	kind int8
	ok   bool
	work func()
}

// waiter is a goroutine parked on a queue: a caller waiting for one
// operation, or an idle worker of a server's pool.
type waiter struct {
	ch     chan signal // capacity 1: a sender never blocks
	worker bool
	idx    int // index in CompletionQueue.waiters while parked
}

// Op states, guarded by CompletionQueue.mu.
const (
	opStarted int8 = iota + 1
	opWaiting      // its goroutine is parked in Wait
	opDone         // completed before or while nobody waited
)

// Op is one tag on a completion queue: a batch in flight (with its C batch
// memory) or a request for a server call. Exactly one of two things happens
// when it completes: onDone runs on the polling goroutine (asynchronous
// operations; it must not block and may return work to run elsewhere), or the
// goroutine blocked in Wait gets the result.
//
// Ops are pooled per queue; the cgo.Handle that is their tag is made once.
type Op struct {
	q      *CompletionQueue
	h      cgo.Handle
	Batch  *ccore.Batch
	onDone func(ok bool) func()
	w      waiter
	state  int8
	ok     bool
	// lazy marks an asynchronous op nobody needs delivered promptly (the
	// batches a streaming call keeps pending for its whole life): it does
	// not keep the background goroutine polling. Whoever needs its outcome
	// waits with WaitUntil, which polls. Guarded by CompletionQueue.mu once
	// started.
	lazy bool
}

// Tag is the op's tag for C-core.
func (o *Op) Tag() uintptr { return uintptr(o.h) }

// PollMode selects how blocking callers wait; see docs/architecture.md.
type PollMode int

const (
	// LeaderFollower lets a blocking caller poll the queue itself when nobody
	// does, delivering others' completions until its own arrives (the default).
	LeaderFollower PollMode = iota
	// DedicatedPoller keeps one background goroutine polling; callers always
	// wait for a hand-off over a channel. Kept for comparison benchmarks.
	DedicatedPoller
	// PerCallPluck gives each blocking unary call its own pooled
	// GRPC_CQ_PLUCK queue, which the caller plucks in one blocking C call
	// (the C++ sync client's design). Futures still use the shared queue.
	// Kept for comparison benchmarks.
	PerCallPluck
)

const maxPooledOps = 1024

// untilPollInterval bounds how long a goroutine leading for WaitUntil stays
// in C-core before it looks whether its condition was met elsewhere.
const untilPollInterval = 10 * time.Millisecond

// CompletionQueue is a C-core GRPC_CQ_NEXT queue with the polling discipline
// of this package: at most one goroutine (the leader) is inside Next at a
// time. Blocking callers lead when nobody does; a background goroutine leads
// when completions are owed and nobody waits. A server's queue also runs its
// worker pool: idle workers are followers, and a worker that receives a new
// call while leading hands the role on and runs the handler itself.
type CompletionQueue struct {
	cq   *ccore.CompletionQueue
	mode PollMode

	// owed counts tags started and not delivered, lazy ones aside: while it
	// is positive somebody must poll.
	owed atomic.Int64

	mu       sync.Mutex
	leading  bool
	closing  bool // Shutdown began: the leader polls until QueueShutdown
	shutdown bool // QueueShutdown was delivered
	waiters  []*waiter
	// bg is the background goroutine, started the first time nobody else can
	// lead; between turns it parks on bg.ch instead of exiting, so that
	// handing it the role costs a channel send, not a new goroutine.
	bg       *waiter
	bgParked bool
	bgWG     sync.WaitGroup
	free     []*Op
	allOps   int // ops created and not freed

	// Worker pool (servers only; maxWorkers == 0 means none: work runs on
	// fresh goroutines).
	maxWorkers int
	workers    int
	backlog    []func()
	workerWG   sync.WaitGroup

	shutdownCh chan struct{}
	evs        ccore.Events // used only by the leader
}

// NewCompletionQueue creates a queue. maxWorkers > 0 gives it a worker pool
// of at most that many goroutines for work returned by completions.
func NewCompletionQueue(mode PollMode, maxWorkers int) *CompletionQueue {
	return &CompletionQueue{
		cq:         ccore.NewCompletionQueue(),
		mode:       mode,
		maxWorkers: maxWorkers,
		shutdownCh: make(chan struct{}),
	}
}

// GetOp takes an op from the pool. onDone nil makes it a blocking op.
func (q *CompletionQueue) GetOp(onDone func(ok bool) func()) *Op {
	q.mu.Lock()
	var o *Op
	if n := len(q.free); n > 0 {
		o = q.free[n-1]
		q.free = q.free[:n-1]
	} else {
		q.allOps++
	}
	q.mu.Unlock()
	if o == nil {
		o = &Op{q: q, Batch: ccore.NewBatch(), w: waiter{ch: make(chan signal, 1), idx: -1}}
		o.h = cgo.NewHandle(o)
	}
	o.onDone = onDone
	o.state = opStarted
	o.lazy = false
	return o
}

// GetLazyOp takes an asynchronous op that does not keep the queue polled
// (see Op.lazy); start it without Started/Failed.
func (q *CompletionQueue) GetLazyOp(onDone func(ok bool) func()) *Op {
	o := q.GetOp(onDone)
	o.lazy = true
	return o
}

// PutOp resets an op whose batch has completed (or never started) and
// returns it to the pool.
func (q *CompletionQueue) PutOp(o *Op) {
	o.Batch.Reset()
	o.onDone = nil
	q.mu.Lock()
	if len(q.free) < maxPooledOps && !q.shutdown {
		q.free = append(q.free, o)
		q.mu.Unlock()
		return
	}
	q.allOps--
	q.mu.Unlock()
	o.release()
}

func (o *Op) release() {
	o.Batch.Free()
	o.h.Delete()
}

// Started records that a tag was handed to C-core. Call it before the C call
// that takes the tag; call Failed if that call refused it. Lazy ops skip it.
func (q *CompletionQueue) Started() { q.owed.Add(1) }

// Failed undoes Started for a tag C-core refused.
func (q *CompletionQueue) Failed() { q.owed.Add(-1) }

// Kick makes sure somebody polls: asynchronous operations call it after
// starting, since nobody may be waiting for them.
func (q *CompletionQueue) Kick() {
	q.mu.Lock()
	if !q.leading && !q.shutdown {
		q.leading = true
		q.wakeBackgroundLocked()
	}
	q.mu.Unlock()
}

// wakeBackgroundLocked gives the leader role, which the caller has just
// taken, to the background goroutine, starting it the first time.
func (q *CompletionQueue) wakeBackgroundLocked() {
	if q.bg == nil {
		q.bg = &waiter{ch: make(chan signal, 1), idx: -1}
		q.bgWG.Add(1)
		go q.background()
		return
	}
	q.bgParked = false
	q.bg.ch <- signal{kind: sigLead}
}

// background is the background goroutine: it leads when woken, and parks
// when it gives the role up, until the queue is shut down.
func (q *CompletionQueue) background() {
	defer q.bgWG.Done()
	for {
		q.leadWork(roleBackground, nil, nil, nil)
		q.mu.Lock()
		shut := q.shutdown
		q.mu.Unlock()
		if shut {
			return
		}
		if s := <-q.bg.ch; s.kind == sigExit {
			return
		}
	}
}

// Wait blocks until o completes and returns whether it succeeded. Meanwhile
// the caller may become the queue's leader.
func (q *CompletionQueue) Wait(o *Op) bool {
	q.mu.Lock()
	if o.state == opDone {
		q.mu.Unlock()
		return o.ok
	}
	if !q.leading {
		q.leading = true
		if q.mode == LeaderFollower {
			q.mu.Unlock()
			ok, _ := q.leadWork(roleCaller, nil, o, nil)
			return ok
		}
		q.wakeBackgroundLocked()
	}
	o.state = opWaiting
	q.parkLocked(&o.w)
	q.mu.Unlock()
	for {
		s := <-o.w.ch
		switch s.kind {
		case sigDone:
			return s.ok
		case sigLead:
			ok, _ := q.leadWork(roleCaller, nil, o, nil)
			return ok
		}
	}
}

// WaitUntil blocks until done is closed by a completion, polling the queue
// itself when nobody else does: the wait for the outcome of lazy ops.
func (q *CompletionQueue) WaitUntil(done <-chan struct{}) {
	select {
	case <-done:
		return
	default:
	}
	q.mu.Lock()
	if !q.leading && !q.shutdown {
		q.leading = true
		if q.mode == LeaderFollower {
			q.mu.Unlock()
			q.leadUntil(done)
			return
		}
		q.wakeBackgroundLocked()
	}
	if q.mode != LeaderFollower || q.shutdown {
		q.mu.Unlock()
		<-done
		return
	}
	w := &waiter{ch: make(chan signal, 1), idx: -1}
	q.parkLocked(w)
	q.mu.Unlock()
	select {
	case s := <-w.ch:
		if s.kind == sigLead {
			q.leadUntil(done)
			return
		}
		<-done
	case <-done:
		q.mu.Lock()
		if w.idx >= 0 {
			q.unparkLocked(w)
			q.mu.Unlock()
			return
		}
		q.mu.Unlock()
		// Promoted as done closed: hand the role on.
		if s := <-w.ch; s.kind == sigLead {
			q.mu.Lock()
			q.promoteLocked()
			q.mu.Unlock()
		}
	}
}

// leadUntil leads until done is closed, then hands the role on.
func (q *CompletionQueue) leadUntil(done <-chan struct{}) {
	q.leadWork(roleCaller, nil, nil, done)
}

func (q *CompletionQueue) parkLocked(w *waiter) {
	w.idx = len(q.waiters)
	q.waiters = append(q.waiters, w)
}

func (q *CompletionQueue) unparkLocked(w *waiter) {
	last := len(q.waiters) - 1
	if w.idx != last {
		m := q.waiters[last]
		q.waiters[w.idx] = m
		m.idx = w.idx
	}
	q.waiters[last] = nil
	q.waiters = q.waiters[:last]
	w.idx = -1
}

// deliverLocked hands a blocking op its result.
func (q *CompletionQueue) deliverLocked(o *Op, ok bool) {
	if o.state == opWaiting {
		q.unparkLocked(&o.w)
		o.w.ch <- signal{kind: sigDone, ok: ok}
	}
	o.state = opDone
	o.ok = ok
}

// promoteLocked hands the leader role on: to the most recently parked
// goroutine, or to a new background goroutine when completions are owed (or
// the queue is closing), or to nobody.
func (q *CompletionQueue) promoteLocked() {
	if q.mode == LeaderFollower && len(q.waiters) > 0 {
		w := q.waiters[len(q.waiters)-1]
		q.unparkLocked(w)
		w.ch <- signal{kind: sigLead}
		return
	}
	if q.owed.Load() > 0 || q.closing || q.mode != LeaderFollower {
		q.wakeBackgroundLocked()
		return
	}
	q.leading = false
}

// Roles of a leader.
const (
	roleCaller     = iota // waits for its own op, then hands the role on
	roleWorker            // an idle worker: hands the role on when it gets work
	roleBackground        // the background goroutine: gives way to anyone
)

// leadWork polls the queue. A caller (role roleCaller) returns mine's result
// once mine completes. A worker returns the work item it should run itself.
// The background goroutine returns when a parked goroutine can take over or
// nothing is owed. Everybody returns once the queue is shut down.
func (q *CompletionQueue) leadWork(role int, self *waiter, mine *Op, until <-chan struct{}) (ok bool, inline func()) {
	var scratch deliverScratch
	for {
		if until != nil {
			select {
			case <-until:
				q.mu.Lock()
				q.promoteLocked()
				q.mu.Unlock()
				return false, nil
			default:
			}
		}
		runtime.Gosched() // never block in C while goroutines we readied wait for this P
		timeout := time.Duration(-1)
		if until != nil {
			// until may be closed by a goroutine other than this one, with
			// no completion to wake us: look again now and then.
			timeout = untilPollInterval
		}
		n := q.cq.Next(&q.evs, timeout)
		gotMine, mineOK, shut, work := q.deliver(&q.evs, n, mine, &scratch)
		q.mu.Lock()
		if shut {
			q.finishShutdownLocked()
			q.mu.Unlock()
			q.dispatch(work)
			return mineOK, nil
		}
		switch role {
		case roleCaller:
			if gotMine {
				q.promoteLocked()
				q.mu.Unlock()
				q.dispatch(work)
				return mineOK, nil
			}
		case roleWorker:
			if len(work) > 0 {
				// Hand the role on and run the first item here.
				q.promoteLocked()
				q.mu.Unlock()
				q.dispatch(work[1:])
				return false, work[0]
			}
		case roleBackground:
			if q.mode == LeaderFollower && (len(q.waiters) > 0 || q.owed.Load() == 0 && !q.closing) {
				if len(q.waiters) > 0 {
					q.promoteLocked()
				} else {
					q.leading = false
				}
				q.bgParked = true
				q.mu.Unlock()
				q.dispatch(work)
				return false, nil
			}
		}
		q.mu.Unlock()
		q.dispatch(work)
	}
}

// deliverScratch is the memory deliver needs, kept on the poller's stack.
type deliverScratch struct {
	async   [ccore.MaxEvents]*Op
	asyncOK [ccore.MaxEvents]bool
	work    [8]func()
}

// deliver hands out the n events the leader took: mine's result is
// returned, blocking ops get theirs, asynchronous ops run their onDone here
// (the work they return comes back). Only the leader may poll: a blocking
// op's completion must reach it, and a goroutine blocked in C-core cannot
// be woken by anything but a completion.
func (q *CompletionQueue) deliver(evs *ccore.Events, n int, mine *Op, sc *deliverScratch) (gotMine, mineOK, shut bool, work []func()) {
	na := 0
	q.mu.Lock()
	for i := 0; i < n; i++ {
		typ, success, tag := evs.At(i)
		if typ != ccore.OpComplete {
			shut = shut || typ == ccore.QueueShutdown
			continue
		}
		o := cgo.Handle(tag).Value().(*Op)
		if !o.lazy {
			q.owed.Add(-1)
		}
		switch {
		case o == mine:
			gotMine, mineOK = true, success
		case o.onDone != nil:
			sc.async[na], sc.asyncOK[na] = o, success
			na++
		default:
			q.deliverLocked(o, success)
		}
	}
	q.mu.Unlock()
	work = sc.work[:0]
	for i := 0; i < na; i++ {
		if w := sc.async[i].onDone(sc.asyncOK[i]); w != nil {
			work = append(work, w)
		}
		sc.async[i] = nil
	}
	return gotMine, mineOK, shut, work
}

func (q *CompletionQueue) finishShutdownLocked() {
	if q.shutdown {
		return
	}
	q.shutdown = true
	q.leading = false
	for _, w := range q.waiters {
		w.idx = -1
		w.ch <- signal{kind: sigExit}
	}
	q.waiters = nil
	if q.bg != nil && q.bgParked {
		q.bg.ch <- signal{kind: sigExit}
	}
	close(q.shutdownCh)
}

// dispatch runs work items off the polling goroutine: on the worker pool if
// the queue has one, else each on a new goroutine.
func (q *CompletionQueue) dispatch(work []func()) {
	if len(work) == 0 {
		return
	}
	if q.maxWorkers == 0 {
		for _, w := range work {
			go w()
		}
		return
	}
	q.mu.Lock()
	for _, w := range work {
		q.submitLocked(w)
	}
	q.mu.Unlock()
}

// Submit runs fn on the queue's worker pool (or a new goroutine without one).
func (q *CompletionQueue) Submit(fn func()) { q.dispatch([]func(){fn}) }

func (q *CompletionQueue) submitLocked(w func()) {
	for i := len(q.waiters) - 1; i >= 0; i-- {
		if p := q.waiters[i]; p.worker {
			q.unparkLocked(p)
			p.ch <- signal{kind: sigWork, work: w}
			return
		}
	}
	if q.workers < q.maxWorkers && !q.shutdown {
		q.workers++
		q.workerWG.Add(1)
		go q.worker(w)
		return
	}
	q.backlog = append(q.backlog, w)
}

// StartWorker adds one worker to the pool, to lead the queue from the start.
func (q *CompletionQueue) StartWorker() {
	q.mu.Lock()
	q.workers++
	q.workerWG.Add(1)
	q.mu.Unlock()
	go q.worker(nil)
}

// worker runs work items; between them it is a follower of the queue.
func (q *CompletionQueue) worker(work func()) {
	defer q.workerWG.Done()
	self := &waiter{ch: make(chan signal, 1), worker: true, idx: -1}
	for {
		if work != nil {
			work()
			work = nil
		}
		q.mu.Lock()
		if len(q.backlog) > 0 {
			work = q.backlog[0]
			q.backlog[0] = nil
			q.backlog = q.backlog[1:]
			q.mu.Unlock()
			continue
		}
		if q.shutdown {
			q.workers--
			q.mu.Unlock()
			return
		}
		if !q.leading {
			q.leading = true
			q.mu.Unlock()
			_, work = q.leadWork(roleWorker, self, nil, nil)
			continue
		}
		q.parkLocked(self)
		q.mu.Unlock()
		s := <-self.ch
		switch s.kind {
		case sigWork:
			work = s.work
		case sigLead:
			_, work = q.leadWork(roleWorker, self, nil, nil)
		case sigExit:
			q.mu.Lock()
			q.workers--
			q.mu.Unlock()
			return
		}
	}
}

// Shutdown shuts the queue down once no more tags will be started: it waits
// for every pending tag to be delivered, for idle workers to exit, then
// destroys the C queue and the pooled ops. Workers still running work items
// exit when they finish.
func (q *CompletionQueue) Shutdown() {
	q.mu.Lock()
	if q.closing {
		q.mu.Unlock()
		<-q.shutdownCh
		return
	}
	q.closing = true
	q.cq.Shutdown()
	if !q.leading {
		q.leading = true
		q.wakeBackgroundLocked()
	}
	q.mu.Unlock()
	<-q.shutdownCh
	q.bgWG.Wait()
	q.mu.Lock()
	free := q.free
	q.free = nil
	q.allOps -= len(free)
	q.mu.Unlock()
	for _, o := range free {
		o.release()
	}
	q.cq.Destroy()
}

// WaitWorkers waits until every worker goroutine has exited.
func (q *CompletionQueue) WaitWorkers() { q.workerWG.Wait() }

// Done is closed once the queue has delivered QueueShutdown.
func (q *CompletionQueue) Done() <-chan struct{} { return q.shutdownCh }

// Closing reports whether Shutdown has begun.
func (q *CompletionQueue) Closing() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closing
}
