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
	ch   *cgo.Channel
	cq   *CompletionQueue
	mode PollMode
	mu   sync.Mutex
	reg  map[string]*Method
	// open is false once Close began; calls holds the live calls so that
	// Close can cancel them.
	open    bool
	calls   map[*ClientCall]struct{}
	drained chan struct{} // closed once calls is empty after Close began
	closed  chan struct{}
	// pluckFree pools the private queues of PerCallPluck calls.
	pluckFree []*pluckOp
	// conn watches connectivity for Subscribe (connectivity.go).
	conn connectivityWatcher
}

// NewInsecureChannel creates a channel to target without transport
// security. It takes a C-core init reference, returned by Close.
func NewInsecureChannel(target string, args []ChannelArg, mode PollMode) (*Channel, error) {
	return newChannel(target, nil, args, mode)
}

// NewSecureChannel creates a channel to target with the given credentials.
// It takes a C-core init reference, returned by Close.
func NewSecureChannel(target string, creds *ChannelCredentials, args []ChannelArg, mode PollMode) (*Channel, error) {
	return newChannel(target, creds, args, mode)
}

func newChannel(target string, creds *ChannelCredentials, args []ChannelArg, mode PollMode) (*Channel, error) {
	cgo.Init()
	var ch *cgo.Channel
	var err error
	if creds == nil {
		ch, err = cgo.NewInsecureChannel(target, args)
	} else {
		cc := creds.build()
		ch, err = cgo.NewSecureChannel(target, cc, args)
		cc.Release()
	}
	if err != nil {
		cgo.Shutdown()
		return nil, err
	}
	c := &Channel{
		ch:     ch,
		cq:     NewCompletionQueue(mode, 0),
		mode:   mode,
		reg:    make(map[string]*Method),
		open:   true,
		calls:  make(map[*ClientCall]struct{}),
		closed: make(chan struct{}),
	}
	c.drained = make(chan struct{})
	return c, nil
}

// Target returns the channel's target as C-core reports it.
func (c *Channel) Target() string { return c.ch.Target() }

// Method is a method path registered with C-core on one channel
// (grpc_channel_register_call), so that its calls skip per-call path
// handling, as grpcio's _registered_method does.
type Method struct {
	Name string
	reg  cgo.RegisteredCall
}

// Method returns the registration of name, registering it on first use. It
// fails once the channel is closed.
func (c *Channel) Method(name string) (*Method, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		return nil, ErrChannelClosed
	}
	m, ok := c.reg[name]
	if !ok {
		m = &Method{Name: name, reg: c.ch.RegisterCall(name)}
		c.reg[name] = m
	}
	return m, nil
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
	c.stopConnectivity() // no watch is armed after this; the last one ends within connectivityWatchTimeout
	for call := range c.calls {
		call.cancelLocked(StatusCancelled, ErrChannelClosed.Error())
	}
	drained := c.drained
	if len(c.calls) == 0 {
		close(drained)
	}
	pluck := c.pluckFree
	c.pluckFree = nil
	c.mu.Unlock()
	// The cancelled calls end as their batches complete; poll until then.
	c.cq.WaitUntil(drained)
	// No call is alive and none can start: tear down in C-core's order.
	for _, po := range pluck {
		po.release()
	}
	c.ch.Destroy() // before the queue: a pending connectivity watch ends at once
	c.cq.Shutdown()
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
	Metadata     Metadata
	Timeout      time.Duration // <= 0 with HasTimeout false: no deadline
	HasTimeout   bool
	InitialFlags uint32 // Flag* values (wait_for_ready)
	MessageFlags uint32
	Credentials  *CallCredentials // nil: none
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
func (c *Channel) newCall(m *Method, opts *CallOptions) (*ClientCall, error) {
	return c.newCallOn(c.cq.cq, m, opts)
}

// newCallOn creates a call whose batches complete on cq.
func (c *Channel) newCallOn(cq *cgo.CompletionQueue, m *Method, opts *CallOptions) (*ClientCall, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		return nil, ErrChannelClosed
	}
	call, err := c.ch.CreateCall(cq, m.reg, m.Name, opts.timeout())
	if err != nil {
		return nil, err
	}
	if opts.Credentials != nil {
		creds := opts.Credentials.build()
		err := call.SetCredentials(creds)
		creds.Release()
		if err != nil {
			call.Unref()
			return nil, err
		}
	}
	cc := &ClientCall{ch: c, call: call, method: m.Name}
	c.calls[cc] = struct{}{}
	return cc, nil
}

// forget drops a finished call.
func (c *Channel) forget(cc *ClientCall) {
	c.mu.Lock()
	delete(c.calls, cc)
	if len(c.calls) == 0 && !c.open {
		close(c.drained)
	}
	c.mu.Unlock()
}
