package grpc

import (
	"math"
	"time"
)

// RpcContext mirrors grpc.RpcContext: what every RPC, on either side,
// offers.
type RpcContext interface {
	// IsActive reports whether the RPC is still in progress.
	IsActive() bool
	// TimeRemaining is the time left until the RPC's deadline; without a
	// deadline it is NoDeadline.
	TimeRemaining() time.Duration
	// Cancel cancels the RPC; it reports whether it did (false once the RPC
	// has ended).
	Cancel() bool
	// AddCallback registers fn to run when the RPC ends; it reports false
	// (and never calls fn) if the RPC has already ended.
	AddCallback(fn func()) bool
}

// Call mirrors grpc.Call: the invocation-side view of an RPC.
type Call interface {
	RpcContext
	// InitialMetadata is the metadata the server sent first.
	InitialMetadata() Metadata
	// TrailingMetadata is the metadata the server sent with its status.
	TrailingMetadata() Metadata
	// Code is the RPC's status code.
	Code() StatusCode
	// Details is the RPC's status details.
	Details() string
}

// NoDeadline is what TimeRemaining returns for an RPC without a deadline.
const NoDeadline = time.Duration(math.MaxInt64)

func timeRemaining(deadline time.Time) time.Duration {
	if deadline.IsZero() {
		return NoDeadline
	}
	return max(time.Until(deadline), 0)
}

// completedCall is the Call of a unary RPC that has ended (what with_call
// returns).
type completedCall struct {
	initial, trailing Metadata
	code              StatusCode
	details           string
}

func (c *completedCall) IsActive() bool               { return false }
func (c *completedCall) TimeRemaining() time.Duration { return 0 }
func (c *completedCall) Cancel() bool                 { return false }
func (c *completedCall) AddCallback(func()) bool      { return false }
func (c *completedCall) InitialMetadata() Metadata    { return c.initial }
func (c *completedCall) TrailingMetadata() Metadata   { return c.trailing }
func (c *completedCall) Code() StatusCode             { return c.code }
func (c *completedCall) Details() string              { return c.details }
