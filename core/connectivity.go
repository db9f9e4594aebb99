package core

import (
	"sync"
	"time"
)

// connectivityWatchTimeout bounds each connectivity watch handed to C-core
// (grpc_channel_watch_connectivity_state has no way to cancel a watch). The
// watcher re-arms while anybody is subscribed; once nobody is, the last watch
// ends within this time. Channel.Close destroys the C channel before shutting
// its queue down, which ends a pending watch at once (C-core reports
// SHUTDOWN); the deadline still bounds the wait where it does not (a lame
// channel, whose watches only time out). grpcio's close waits for its own
// 0.2 s watches the same way.
const connectivityWatchTimeout = time.Second

// Subscription is one callback subscribed to a channel's connectivity
// (grpcio's entry in _ChannelConnectivityState.callbacks_and_connectivities).
// It is the handle Unsubscribe takes.
type Subscription struct {
	fn func(state int)
	// Guarded by the watcher's mu.
	from uint64 // seq of the last event queued before it subscribed
	last int    // the last state delivered to it; -1: none yet
	gone bool   // unsubscribed: nothing more is delivered
}

// connEvent is a state to deliver: to one new subscriber (its first
// delivery), or to every subscriber that subscribed before it was queued.
type connEvent struct {
	seq   uint64
	state int
	to    *Subscription
}

// connectivityWatcher is a channel's connectivity watcher: grpcio's
// _ChannelConnectivityState with its polling thread replaced by a chain of
// asynchronous watches on the channel's completion queue. Each watch's
// completion (on the polling goroutine) reads the state, queues a change and
// arms the next watch; a delivery goroutine, started when events are queued
// and gone when none are left, runs the callbacks in order, never on the
// polling goroutine. The zero value is ready; mu guards every field.
type connectivityWatcher struct {
	mu         sync.Mutex
	subs       []*Subscription
	armed      bool // a watch is in C-core
	state      int  // the last state read; valid while armed
	stopped    bool // the channel is closing: no more watches
	seq        uint64
	queue      []connEvent
	delivering bool // a delivery goroutine is running
}

// Subscribe mirrors grpcio's Channel.subscribe: fn receives the channel's
// current state (cgo.State* values), then every change, in order, on the
// channel's delivery goroutine, until Unsubscribe or Close. tryToConnect asks
// an idle channel to connect. On a closed channel fn receives StateShutdown
// once. fn must not block for long: deliveries of the channel's other
// subscriptions wait for it. Safe for concurrent use, also from a callback.
func (c *Channel) Subscribe(fn func(state int), tryToConnect bool) *Subscription {
	w := &c.conn
	s := &Subscription{fn: fn, last: -1}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped {
		w.pushLocked(StateShutdown, s)
		return s
	}
	if w.armed {
		if tryToConnect {
			// A change wakes the armed watch, which reports it to everyone.
			c.ch.CheckConnectivityState(true)
		}
	} else {
		w.state = c.ch.CheckConnectivityState(tryToConnect)
		c.armWatchLocked(w.state)
	}
	s.from = w.seq
	w.subs = append(w.subs, s)
	w.pushLocked(w.state, s)
	return s
}

// Unsubscribe mirrors grpcio's Channel.unsubscribe: no delivery to s starts
// after it returns (one already under way may finish). Unsubscribing twice,
// or after Close, does nothing. Safe for concurrent use, also from a
// callback.
func (c *Channel) Unsubscribe(s *Subscription) {
	w := &c.conn
	w.mu.Lock()
	defer w.mu.Unlock()
	s.gone = true
	for i, x := range w.subs {
		if x == s {
			w.subs = append(w.subs[:i], w.subs[i+1:]...)
			break
		}
	}
}

// stopConnectivity is Close's hook: it drops every subscription and every
// undelivered event, as grpcio's close unsubscribes all, and stops the
// watches, so that no watch is armed once the queue shuts down. The watch
// in flight, if any, ends when Close destroys the C channel, at the latest
// after connectivityWatchTimeout.
func (c *Channel) stopConnectivity() {
	w := &c.conn
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
	for _, s := range w.subs {
		s.gone = true
	}
	w.subs = nil
	w.queue = nil
}

// armWatchLocked hands C-core a watch for a state other than last, with a
// deadline connectivityWatchTimeout away, completing on the channel's queue
// (grpc_channel_watch_connectivity_state).
func (c *Channel) armWatchLocked(last int) {
	q := c.cq
	var op *Op
	op = q.GetOp(func(bool) func() {
		q.PutOp(op)
		c.watchDone()
		return nil
	})
	q.Started()
	c.ch.WatchConnectivityState(last, connectivityWatchTimeout, q.cq, op.Tag())
	c.conn.armed = true
	q.Kick()
}

// watchDone runs on the polling goroutine when a watch completes, whether
// the state changed or the deadline passed: it reads the state (without
// blocking), queues it if it changed, and re-arms while anybody is
// subscribed.
func (c *Channel) watchDone() {
	w := &c.conn
	w.mu.Lock()
	defer w.mu.Unlock()
	w.armed = false
	if w.stopped || len(w.subs) == 0 {
		return
	}
	if state := c.ch.CheckConnectivityState(false); state != w.state {
		w.state = state
		w.pushLocked(state, nil)
	}
	c.armWatchLocked(w.state)
}

// pushLocked queues state for to (nil: every current subscriber) and makes
// sure a delivery goroutine runs.
func (w *connectivityWatcher) pushLocked(state int, to *Subscription) {
	w.seq++
	w.queue = append(w.queue, connEvent{seq: w.seq, state: state, to: to})
	if !w.delivering {
		w.delivering = true
		go w.deliver()
	}
}

// deliver is the channel's delivery goroutine (grpcio's _deliver thread):
// it runs the callbacks for each queued event in order, without holding mu,
// and exits once the queue is empty. A subscription never receives the same
// state twice in a row.
func (w *connectivityWatcher) deliver() {
	var targets []*Subscription
	for {
		w.mu.Lock()
		if len(w.queue) == 0 {
			w.delivering = false
			w.queue = nil
			w.mu.Unlock()
			return
		}
		e := w.queue[0]
		w.queue[0] = connEvent{}
		w.queue = w.queue[1:]
		targets = targets[:0]
		if e.to != nil {
			targets = append(targets, e.to)
		} else {
			for _, s := range w.subs {
				if s.from < e.seq {
					targets = append(targets, s)
				}
			}
		}
		w.mu.Unlock()
		for i, s := range targets {
			targets[i] = nil
			w.mu.Lock()
			run := !s.gone && s.last != e.state
			if run {
				s.last = e.state
			}
			w.mu.Unlock()
			if run {
				s.fn(e.state)
			}
		}
	}
}
