package grpc

import (
	"context"
	"time"

	"github.com/grpcio-go/grpcio/core"
)

// Option is one C-core channel argument: grpcio's (key, value) option pair.
// Value is an int (or bool) or a string. It is an alias of an unnamed struct
// so that Options{{"grpc.max_receive_message_length", 1 << 20}} reads like
// grpcio's options list and passes go vet.
type Option = struct {
	Key   string
	Value any
}

// Options mirrors grpcio's options= argument of insecure_channel,
// secure_channel and server: channel arguments passed to C-core unchanged,
// keyed by C-core's names (for example "grpc.max_receive_message_length",
// "grpc.keepalive_time_ms", "grpc.primary_user_agent",
// "grpc.service_config"). It is a ChannelOption and a ServerOption.
type Options []Option

func (o Options) applyChannel(c *channelOptions) { c.args = append(c.args, o...) }
func (o Options) applyServer(s *serverOptions)   { s.args = append(s.args, o...) }

// ChannelOption configures InsecureChannel.
type ChannelOption interface{ applyChannel(*channelOptions) }

// CallOption configures one invocation of a multi-callable (grpcio's
// keyword arguments of __call__, with_call and future).
type CallOption interface{ applyCall(*callOptions) }

// ServerOption configures NewServer.
type ServerOption interface{ applyServer(*serverOptions) }

type channelOptions struct {
	args        []Option
	compression *Compression
	pollMode    core.PollMode
}

type callOptions struct {
	timeout      time.Duration
	hasTimeout   bool
	metadata     Metadata
	waitForReady *bool
	compression  *Compression
	ctx          context.Context
	credentials  *CallCredentials
}

type serverOptions struct {
	args          []Option
	maxWorkers    int
	handlers      []GenericRPCHandler
	maxConcurrent int
	compression   *Compression
}

// Timeout mirrors the timeout= keyword: the RPC's deadline is this long
// after it starts. A zero or negative timeout has already expired.
func Timeout(d time.Duration) CallOption { return timeoutOption(d) }

type timeoutOption time.Duration

func (t timeoutOption) applyCall(c *callOptions) {
	c.timeout, c.hasTimeout = time.Duration(t), true
}

// WithMetadata mirrors the metadata= keyword: metadata sent with the call.
func WithMetadata(md Metadata) CallOption { return metadataOption(md) }

type metadataOption Metadata

func (m metadataOption) applyCall(c *callOptions) { c.metadata = append(c.metadata, m...) }

// WaitForReady mirrors the wait_for_ready= keyword: with true an RPC on a
// channel that is not ready waits for it (until the deadline) instead of
// failing fast with UNAVAILABLE.
func WaitForReady(wait bool) CallOption { return waitForReadyOption(wait) }

type waitForReadyOption bool

func (w waitForReadyOption) applyCall(c *callOptions) {
	b := bool(w)
	c.waitForReady = &b
}

// WithContext attaches ctx to the call: its deadline bounds the RPC and its
// cancellation cancels it (CANCELLED "Locally cancelled by application!").
func WithContext(ctx context.Context) CallOption { return contextOption{ctx} }

type contextOption struct{ ctx context.Context }

func (o contextOption) applyCall(c *callOptions) { c.ctx = o.ctx }

// WithCompression mirrors the compression= keyword of insecure_channel,
// server and of each call: the algorithm messages are compressed with. It is
// a ChannelOption, a ServerOption and a CallOption.
func WithCompression(c Compression) CompressionOption { return CompressionOption{c} }

// CompressionOption is returned by WithCompression.
type CompressionOption struct{ c Compression }

func (o CompressionOption) applyCall(c *callOptions)       { c.compression = &o.c }
func (o CompressionOption) applyChannel(c *channelOptions) { c.compression = &o.c }
func (o CompressionOption) applyServer(s *serverOptions)   { s.compression = &o.c }

// MaxWorkers sets how many handlers run at once: the size of the server's
// worker pool, grpcio's ThreadPoolExecutor(max_workers). Other RPCs queue.
// The default is 100.
func MaxWorkers(n int) ServerOption { return maxWorkersOption(n) }

type maxWorkersOption int

func (n maxWorkersOption) applyServer(s *serverOptions) { s.maxWorkers = int(n) }

// Handlers mirrors the handlers= argument of grpc.server.
func Handlers(h ...GenericRPCHandler) ServerOption { return handlersOption(h) }

type handlersOption []GenericRPCHandler

func (h handlersOption) applyServer(s *serverOptions) { s.handlers = append(s.handlers, h...) }

// MaximumConcurrentRPCs mirrors maximum_concurrent_rpcs=: once n RPCs are
// being handled, new ones end at once with RESOURCE_EXHAUSTED
// "Concurrent RPC limit exceeded!".
func MaximumConcurrentRPCs(n int) ServerOption { return maxConcurrentOption(n) }

type maxConcurrentOption int

func (n maxConcurrentOption) applyServer(s *serverOptions) { s.maxConcurrent = int(n) }

// defaultMaxWorkers is the pool size when MaxWorkers is not given.
const defaultMaxWorkers = 100

// primaryUserAgent is what the channel puts first in user-agent, as grpcio
// adds "grpc-python/<version>".
const primaryUserAgent = "grpcio-go/" + Version

// Version is grpcio-go's version.
const Version = "0.1.0"

// SupportPackageIsVersion1 is referenced by code protoc-gen-grpcio-go
// generates, so that generated code fails to compile against a grpc package
// that cannot run it (grpcio's generated GRPC_GENERATED_VERSION check, at
// compile time as in grpc-go).
const SupportPackageIsVersion1 = true

// toCoreArgs converts options for C-core.
func toCoreArgs(opts []Option) []core.ChannelArg {
	args := make([]core.ChannelArg, len(opts))
	for i, o := range opts {
		args[i] = core.ChannelArg{Key: o.Key, Value: o.Value}
	}
	return args
}
