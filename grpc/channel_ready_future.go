package grpc

import (
	"sync"
	"time"
)

// ChannelReadyFuture mirrors grpc.channel_ready_future: a future that
// completes when ch reaches Ready. It subscribes to ch with tryToConnect, so
// an idle channel starts connecting, and unsubscribes once Ready is seen.
//
// Result(timeout) returns (struct{}{}, nil) once the channel is ready (Code
// is then OK), FutureTimeoutError if it is not within timeout, and
// FutureCancelledError after Cancel. Cancel before Ready reports true,
// unsubscribes and leaves the channel as it was; after Ready it reports
// false. Done callbacks receive the future, as in grpcio. If ch is closed
// before it is ready the future never completes (Result waits out its
// timeout), as in grpcio. Safe for concurrent use.
func ChannelReadyFuture(ch *Channel) *Future[struct{}] {
	f := newFuture[struct{}](time.Time{})
	r := &readySubscription{ch: ch}
	f.onCancel = r.unsubscribe
	sub := ch.Subscribe(func(c ChannelConnectivity) {
		if c == Ready {
			f.finish(struct{}{}, nil, nil)
			r.unsubscribe()
		}
	}, true)
	r.set(sub)
	return f
}

// readySubscription holds a ChannelReadyFuture's subscription, which its
// callback may want to drop before Subscribe has returned it.
type readySubscription struct {
	ch   *Channel
	mu   sync.Mutex
	sub  *Subscription
	done bool
}

// set records sub, or drops it at once if the future is already done.
func (r *readySubscription) set(sub *Subscription) {
	r.mu.Lock()
	if r.done {
		r.mu.Unlock()
		r.ch.Unsubscribe(sub)
		return
	}
	r.sub = sub
	r.mu.Unlock()
}

// unsubscribe drops the subscription, now or as soon as set records it.
func (r *readySubscription) unsubscribe() {
	r.mu.Lock()
	r.done = true
	sub := r.sub
	r.sub = nil
	r.mu.Unlock()
	if sub != nil {
		r.ch.Unsubscribe(sub)
	}
}
