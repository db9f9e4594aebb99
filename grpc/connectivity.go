package grpc

import (
	"log/slog"

	"github.com/grpcio-go/grpcio/core"
)

// ChannelConnectivity mirrors grpc.ChannelConnectivity: the states of a
// channel, in grpcio's order.
type ChannelConnectivity int

// Connectivity states.
const (
	Idle ChannelConnectivity = iota
	Connecting
	Ready
	TransientFailure
	Shutdown
)

// String is grpcio's lower-case name of the state (value[1]).
func (c ChannelConnectivity) String() string {
	switch c {
	case Idle:
		return "idle"
	case Connecting:
		return "connecting"
	case Ready:
		return "ready"
	case TransientFailure:
		return "transient failure"
	case Shutdown:
		return "shutdown"
	}
	return "unknown"
}

// logSubscriptionCallbackError is grpcio's log message for a subscription
// callback that raised (_CHANNEL_SUBSCRIPTION_CALLBACK_ERROR_LOG_MESSAGE).
const logSubscriptionCallbackError = "Exception calling channel subscription callback!"

// Subscription is the handle of one Subscribe, which Unsubscribe takes: Go
// funcs cannot be compared, so grpcio's unsubscribe(callback) becomes
// Unsubscribe(subscription). See docs/decisions.md.
type Subscription struct {
	s *core.Subscription
}

// Subscribe mirrors Channel.subscribe(callback, try_to_connect): callback
// receives the channel's current connectivity, then every change, until
// Unsubscribe or Close. Callbacks run one at a time, in order, on a delivery
// goroutine of the channel's (never on the goroutine that polls C-core), so a
// slow callback delays the channel's other subscriptions. A callback that
// panics is logged ("Exception calling channel subscription callback!") and
// delivery goes on. tryToConnect asks an idle channel to connect. On a closed
// channel callback receives Shutdown once. Each Subscribe is a separate
// subscription, even of the same callback. Safe for concurrent use, also from
// a callback.
func (ch *Channel) Subscribe(callback func(ChannelConnectivity), tryToConnect bool) *Subscription {
	return &Subscription{s: ch.c.Subscribe(func(state int) {
		defer func() {
			if r := recover(); r != nil {
				slog.Error(logSubscriptionCallbackError, "panic", r)
			}
		}()
		callback(connectivityFromCore(state))
	}, tryToConnect)}
}

// Unsubscribe mirrors Channel.unsubscribe: no callback of sub starts after
// it returns (one under way on the delivery goroutine may finish).
// Unsubscribing twice, or after Close, does nothing. Safe for concurrent use,
// also from a callback.
func (ch *Channel) Unsubscribe(sub *Subscription) {
	if sub != nil {
		ch.c.Unsubscribe(sub.s)
	}
}

// connectivityFromCore maps C-core's grpc_connectivity_state to
// ChannelConnectivity (grpcio's CYGRPC_CONNECTIVITY_STATE_TO_CHANNEL_CONNECTIVITY).
func connectivityFromCore(state int) ChannelConnectivity {
	switch state {
	case core.StateIdle:
		return Idle
	case core.StateConnecting:
		return Connecting
	case core.StateReady:
		return Ready
	case core.StateTransientFailure:
		return TransientFailure
	}
	return Shutdown
}
