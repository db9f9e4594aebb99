package core

import (
	"errors"
	"sync"
	"time"

	"github.com/grpcio-go/grpcio/cgo"
)

// ChannelArg is a C-core channel argument: Value is an int or a string.
type ChannelArg = cgo.ChannelArg

// ErrChannelClosed is returned when an RPC is started on a closed channel.
var ErrChannelClosed = errors.New("Channel closed!")

// Channel is a client channel: grpcio's cygrpc.Channel. It owns the C
// channel, its completion queue and the methods registered on it. Safe for
// concurrent use.
type Channel struct {
	ch  *cgo.Channel
	cq  *CompletionQueue
	mu  sync.Mutex
	reg map[string]cgo.RegisteredCall
	// open is false once Close began; calls holds the live calls so that
	// Close can cancel them.
	open   bool
	calls  map[*ClientCall]struct{}
	idle   *sync.Cond // signalled when calls becomes empty
	closed chan struct{}
}

// NewInsecureChannel creates a channel to target without transport
// security. It takes a C-core init reference, returned by Close.
func NewInsecureChannel(target string, args []ChannelArg, mode PollMode) (*Channel, error) {
	cgo.Init()
	ch, err := cgo.NewInsecureChannel(target, args)
	if err != nil {
		cgo.Shutdown()
		return nil, err
	}
	c := &Channel{
		ch:     ch,
		cq:     NewCompletionQueue(mode, 0),
		reg:    make(map[string]cgo.RegisteredCall),
		open:   true,
		calls:  make(map[*ClientCall]struct{}),
		closed: make(chan struct{}),
	}
	c.idle = sync.NewCond(&c.mu)
	return c, nil
}

// Target returns the channel's target as C-core reports it.
func (c *Channel) Target() string { return c.ch.Target() }

// RegisterMethod registers method with C-core once; later calls to it reuse
// the registration (grpcio's _registered_method).
func (c *Channel) RegisterMethod(method string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		return
	}
	if _, ok := c.reg[method]; !ok {
		c.reg[method] = c.ch.RegisterCall(method)
	}
}

// Close cancels every call in flight with CANCELLED "Channel closed!", waits
// for them to end, then releases the channel, its queue and the init
// reference. Closing twice is harmless; the second call waits for the first.
func (c *Channel) Close() {
	c.mu.Lock()
	if !c.open {
		c.mu.Unlock()
		<-c.closed
		return
	}
	c.open = false
	for call := range c.calls {
		call.cancelLocked(StatusCancelled, ErrChannelClosed.Error())
	}
	for len(c.calls) > 0 {
		c.idle.Wait()
	}
	c.mu.Unlock()
	// No call is alive and none can start: tear down in C-core's order.
	c.cq.Shutdown()
	c.ch.Destroy()
	cgo.Shutdown()
	close(c.closed)
}

// CheckConnectivityState returns the channel's connectivity state
// (cgo.State* values).
func (c *Channel) CheckConnectivityState(tryToConnect bool) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		return 0, ErrChannelClosed
	}
	return c.ch.CheckConnectivityState(tryToConnect), nil
}

// CallOptions are the per-call settings core needs.
type CallOptions struct {
	Metadata      Metadata
	Timeout       time.Duration // <= 0 with HasTimeout false: no deadline
	HasTimeout    bool
	InitialFlags  uint32 // cgo.InitialMetadata* flags (wait_for_ready)
	MessageFlags  uint32
	RegisteredFor bool // use the method's C-core registration
}

func (o *CallOptions) timeout() time.Duration {
	if !o.HasTimeout {
		return -1
	}
	if o.Timeout < 0 {
		return 0
	}
	return o.Timeout
}

// newCall creates a C call and tracks it; it fails once the channel is
// closing.
func (c *Channel) newCall(method string, opts *CallOptions) (*ClientCall, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		return nil, ErrChannelClosed
	}
	var reg cgo.RegisteredCall
	if opts.RegisteredFor {
		var ok bool
		if reg, ok = c.reg[method]; !ok {
			reg = c.ch.RegisterCall(method)
			c.reg[method] = reg
		}
	}
	call, err := c.ch.CreateCall(c.cq.cq, reg, method, opts.timeout())
	if err != nil {
		return nil, err
	}
	cc := &ClientCall{ch: c, call: call, method: method}
	c.calls[cc] = struct{}{}
	return cc, nil
}

// forget drops a finished call.
func (c *Channel) forget(cc *ClientCall) {
	c.mu.Lock()
	delete(c.calls, cc)
	if len(c.calls) == 0 {
		c.idle.Broadcast()
	}
	c.mu.Unlock()
}
