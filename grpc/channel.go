package grpc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/grpcio-go/grpcio/core"
)

// Channel mirrors grpc.Channel: a virtual connection to a target, over
// which multi-callables invoke RPCs. It is safe for concurrent use and must
// be closed with Close.
type Channel struct {
	c           *core.Channel
	compression *Compression
}

// InsecureChannel mirrors grpc.insecure_channel: a channel to target (for
// example "localhost:50051", "dns:///example.com:443", "unix:/tmp/sock")
// without transport security. Options carry C-core channel arguments;
// WithCompression sets the channel's default compression. The connection is
// made lazily, as in grpcio.
func InsecureChannel(target string, opts ...ChannelOption) (*Channel, error) {
	return newChannel("InsecureChannel", target, nil, opts)
}

// SecureChannel mirrors grpc.secure_channel: a channel to target secured by
// credentials (TLS, see SSLChannelCredentials). Set the option
// "grpc.ssl_target_name_override" to check the server's certificate against
// another name than the target's host, as grpcio's tests do.
func SecureChannel(target string, credentials *ChannelCredentials, opts ...ChannelOption) (*Channel, error) {
	if credentials == nil {
		return nil, &UsageError{"SecureChannel needs channel credentials; use InsecureChannel for none"}
	}
	return newChannel("SecureChannel", target, credentials.c, opts)
}

func newChannel(fn, target string, creds *core.ChannelCredentials, opts []ChannelOption) (*Channel, error) {
	if target == "" {
		return nil, fmt.Errorf("grpc: %s: empty target", fn)
	}
	var o channelOptions
	for _, opt := range opts {
		opt.applyChannel(&o)
	}
	if err := separateChannelOptions(&o); err != nil {
		return nil, err
	}
	args, err := channelArgs(&o)
	if err != nil {
		return nil, err
	}
	var c *core.Channel
	if creds == nil {
		c, err = core.NewInsecureChannel(target, toCoreArgs(args), o.pollMode)
	} else {
		c, err = core.NewSecureChannel(target, creds, toCoreArgs(args), o.pollMode)
	}
	if err != nil {
		return nil, fmt.Errorf("grpc: %s(%q): %w", fn, target, err)
	}
	// C-core turns a target it cannot parse into a "lame" channel that fails
	// every call; it is the only kind of channel that starts in
	// TRANSIENT_FAILURE without trying to connect.
	if st, err := c.CheckConnectivityState(false); err == nil && st == core.StateTransientFailure {
		c.Close()
		return nil, fmt.Errorf("grpc: %s: invalid target %q (C-core cannot build a channel for it)", fn, target)
	}
	return &Channel{c: c, compression: o.compression}, nil
}

// PollModeOption is the key of grpcio-go's own channel option that selects
// how blocking calls wait for C-core: "leader_follower" (the default: the
// waiting goroutine polls the completion queue itself when nobody else
// does), "dedicated_poller" (a background goroutine polls and hands
// completions over) or "per_call_pluck" (each blocking unary call plucks its
// own completion queue, as C++'s sync client does). It exists to compare
// them; see docs/architecture.md.
const PollModeOption = "grpcio_go.poll_mode"

// singleThreadedUnaryStream is grpcio's
// grpc.experimental.ChannelOptions.SingleThreadedUnaryStream, re-exported by
// package experimental.
const singleThreadedUnaryStream = "SingleThreadedUnaryStream"

// separateChannelOptions takes the options only grpcio-go understands out
// of the C-core arguments, as grpcio's _separate_channel_options does.
func separateChannelOptions(o *channelOptions) error {
	args := o.args[:0:0]
	for _, a := range o.args {
		if a.Key == singleThreadedUnaryStream {
			// grpcio drives such calls from the consuming thread only; in
			// grpcio-go the goroutine that calls Next always polls the
			// queue itself when nobody else does, so this is the default.
			continue
		}
		if a.Key != PollModeOption {
			args = append(args, a)
			continue
		}
		switch a.Value {
		case "leader_follower":
			o.pollMode = core.LeaderFollower
		case "dedicated_poller":
			o.pollMode = core.DedicatedPoller
		case "per_call_pluck":
			o.pollMode = core.PerCallPluck
		default:
			return fmt.Errorf("grpc: option %s: unknown value %v (leader_follower, dedicated_poller or per_call_pluck)", PollModeOption, a.Value)
		}
	}
	o.args = args
	return nil
}

// channelArgs adds grpcio's implicit arguments: the default compression
// algorithm and the primary user agent (unless the caller set one).
func channelArgs(o *channelOptions) ([]Option, error) {
	args := append([]Option(nil), o.args...)
	if o.compression != nil {
		if !o.compression.valid() {
			return nil, fmt.Errorf("grpc: invalid compression %d", int(*o.compression))
		}
		args = append(args, Option{compressionChannelArg, int(*o.compression)})
	}
	for _, a := range args {
		if a.Key == "grpc.primary_user_agent" {
			return args, nil
		}
	}
	return append(args, Option{"grpc.primary_user_agent", primaryUserAgent}), nil
}

// Close mirrors Channel.close: RPCs in flight end with CANCELLED
// "Channel closed!", later invocations fail with ErrChannelClosed, and the
// channel's C resources are released. Closing twice is harmless.
func (ch *Channel) Close() error {
	ch.c.Close()
	return nil
}

// method registers a method path for multi-callables.
func (ch *Channel) method(name string) *core.Method {
	m, err := ch.c.Method(name)
	if err != nil {
		return nil // closed: invocations report ErrChannelClosed
	}
	return m
}

// callOptions applies call options and builds what core needs; ctx is the
// context to watch (nil when there is none).
func (ch *Channel) callOptions(opts []CallOption) (co core.CallOptions, ctx context.Context, deadline time.Time, err error) {
	var o callOptions
	for _, opt := range opts {
		opt.applyCall(&o)
	}
	if err := o.metadata.Validate(); err != nil {
		return co, nil, deadline, &InvalidMetadataError{Metadata: o.metadata, Reason: err.Error()}
	}
	co.Metadata = o.metadata
	if o.compression != nil {
		if !o.compression.valid() {
			return co, nil, deadline, fmt.Errorf("grpc: invalid compression %d", int(*o.compression))
		}
		co.Metadata = append(co.Metadata[:len(co.Metadata):len(co.Metadata)],
			Metadatum{compressionRequestKey, o.compression.metadataValue()})
	}
	if o.waitForReady != nil {
		co.InitialFlags = core.FlagWaitForReadyExplicitSet
		if *o.waitForReady {
			co.InitialFlags |= core.FlagWaitForReady
		}
	}
	if o.credentials != nil {
		co.Credentials = o.credentials.c
	}
	co.Timeout, co.HasTimeout = o.timeout, o.hasTimeout
	if o.ctx != nil {
		if dl, ok := o.ctx.Deadline(); ok {
			if d := time.Until(dl); !co.HasTimeout || d < co.Timeout {
				co.Timeout, co.HasTimeout = d, true
			}
		}
		ctx = o.ctx
	}
	if co.HasTimeout {
		deadline = time.Now().Add(co.Timeout)
	}
	return co, ctx, deadline, nil
}

// invocationError maps an error core returned before the RPC started.
func invocationError(err error) error {
	switch {
	case errors.Is(err, core.ErrChannelClosed):
		return ErrChannelClosed
	case core.IsInvalidMetadata(err):
		return &InvalidMetadataError{Reason: err.Error()}
	}
	return err
}
