package grpc_test

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/grpcio-go/grpcio/grpc"
)

// Benchmarks of the synchronous unary path over loopback TCP, with the
// server in the same process. Each runs once per client poll mode (channel
// option grpc.PollModeOption). They measure only; nothing is asserted
// about timings.
//
//	go test ./grpc -run '^$' -bench . -benchmem -count 6
//
// The in-process server and the client share the process's Ps, so the
// numbers are not those of the loopback harness (benchmarks/, docs/benchmarks.md),
// where each side has its own core.

var pollModes = []string{"leader_follower", "dedicated_poller", "per_call_pluck"}

// benchEcho starts an echo server on 127.0.0.1:0 and opens a channel to it
// in the given poll mode; both are closed when the benchmark ends.
func benchEcho(b *testing.B, pollMode string) *grpc.UnaryUnaryMultiCallable[[]byte, []byte] {
	b.Helper()
	s, err := grpc.NewServer(grpc.Handlers(grpc.MethodHandlersGenericHandler(testService, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})))
	if err != nil {
		b.Fatal(err)
	}
	port, err := s.AddInsecurePort("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		select {
		case <-s.Stop(0):
		case <-time.After(10 * time.Second):
			b.Error("server did not stop")
		}
	})
	ch, err := grpc.InsecureChannel(fmt.Sprintf("127.0.0.1:%d", port), grpc.Options{
		{grpc.PollModeOption, pollMode},
		{"grpc.max_receive_message_length", 64 << 20},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ch.Close() })
	mc := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo"))
	// Connect before the clock starts.
	if _, err := mc.Call([]byte("warm-up"), grpc.WaitForReady(true), grpc.Timeout(30*time.Second)); err != nil {
		b.Fatal(err)
	}
	return mc
}

func benchSequential(b *testing.B, size int) {
	for _, mode := range pollModes {
		b.Run("pollmode="+mode, func(b *testing.B) {
			mc := benchEcho(b, mode)
			req := bytes.Repeat([]byte{'x'}, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				resp, err := mc.Call(req)
				if err != nil {
					b.Fatal(err)
				}
				if len(resp) != size {
					b.Fatalf("echo of %d bytes returned %d", size, len(resp))
				}
			}
		})
	}
}

// BenchmarkUnaryLatency: sequential 64-byte unary echo, one call in flight.
func BenchmarkUnaryLatency(b *testing.B) { benchSequential(b, 64) }

// BenchmarkUnaryLarge: sequential 1 MiB unary echo.
func BenchmarkUnaryLarge(b *testing.B) { benchSequential(b, 1<<20) }

// parallelCallers is how many goroutines BenchmarkUnaryParallel runs on
// one channel.
const parallelCallers = 32

// BenchmarkUnaryParallel: 64-byte unary echo from 32 goroutines on one
// channel (b.SetParallelism(32/GOMAXPROCS), rounded up); ns/op is the
// inverse of throughput.
func BenchmarkUnaryParallel(b *testing.B) {
	for _, mode := range pollModes {
		b.Run("pollmode="+mode, func(b *testing.B) {
			mc := benchEcho(b, mode)
			req := bytes.Repeat([]byte{'x'}, 64)
			procs := runtime.GOMAXPROCS(0)
			b.SetParallelism((parallelCallers + procs - 1) / procs)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := mc.Call(req)
					if err != nil {
						b.Error(err)
						return
					}
					if len(resp) != len(req) {
						b.Errorf("echo of %d bytes returned %d", len(req), len(resp))
						return
					}
				}
			})
		})
	}
}
