package grpc

import (
	"testing"

	"github.com/grpcio-go/grpcio/core"
	"github.com/grpcio-go/grpcio/grpc/experimental"
)

// grpcio-go's own channel options are taken out before C-core sees them.
func TestSeparateChannelOptions(t *testing.T) {
	if singleThreadedUnaryStream != experimental.SingleThreadedUnaryStream {
		t.Fatalf("experimental.SingleThreadedUnaryStream = %q, grpc strips %q", experimental.SingleThreadedUnaryStream, singleThreadedUnaryStream)
	}
	o := channelOptions{args: []Option{
		{"grpc.max_receive_message_length", 10},
		{experimental.SingleThreadedUnaryStream, 1},
		{PollModeOption, "per_call_pluck"},
		{"grpc.primary_user_agent", "x"},
	}}
	if err := separateChannelOptions(&o); err != nil {
		t.Fatal(err)
	}
	if len(o.args) != 2 || o.args[0].Key != "grpc.max_receive_message_length" || o.args[1].Key != "grpc.primary_user_agent" {
		t.Fatalf("args left for C-core: %v", o.args)
	}
	if o.pollMode != core.PerCallPluck {
		t.Fatalf("poll mode %v", o.pollMode)
	}
}
