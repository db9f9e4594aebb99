// Command bench-server is grpcio-go's server for the loopback benchmark
// harness (/work/shared/bench, peer contract in its README). On
// 127.0.0.1:PORT it serves, as registered methods:
//
//   - /bench.Bench/Unary: echo of the request's body;
//   - /bench.Bench/Stream: bidi echo, one response per request message, until
//     the client half-closes;
//   - /bench.Bench/ServerFlood: `count` copies of the request's body, until
//     they are sent or the client cancels.
//
// It prints READY once serving and exits on SIGTERM or SIGINT.
package main

import (
	"flag"
	"fmt"
	"iter"
	"log"
	"os"
	"os/signal"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/grpcio-go/grpcio/benchmarks/internal/benchpb"
	"github.com/grpcio-go/grpcio/grpc"
)

func main() {
	port := flag.Int("port", 50051, "listen port on 127.0.0.1")
	workers := flag.Int("workers", 100, "MaxWorkers: handler goroutines")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	traceFile := flag.String("trace", "", "write a runtime execution trace of the whole run to this file")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("bench-server: ")

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			log.Fatal(err)
		}
		if err := trace.Start(f); err != nil {
			log.Fatal(err)
		}
		defer func() { trace.Stop(); f.Close() }()
	}

	s, err := grpc.NewServer(grpc.MaxWorkers(*workers))
	if err != nil {
		log.Fatal(err)
	}
	s.AddRegisteredMethodHandlers(benchpb.Service, map[string]*grpc.RPCMethodHandler{
		"Unary":       grpc.UnaryUnaryRPCMethodHandler(unary, nil, nil),
		"Stream":      grpc.StreamStreamRPCMethodHandler(stream, nil, nil),
		"ServerFlood": grpc.UnaryStreamRPCMethodHandler(flood, nil, nil),
	})
	if _, err := s.AddInsecurePort(fmt.Sprintf("127.0.0.1:%d", *port)); err != nil {
		log.Fatal(err)
	}
	if err := s.Start(); err != nil {
		log.Fatal(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	fmt.Println("READY")
	<-sig
	logStats()
	select {
	case <-s.Stop(0):
	case <-time.After(3 * time.Second):
		log.Print("server did not stop within 3s")
	}
}

// served counts RPCs (any method); messages counts the response messages
// of Stream and ServerFlood, which are the unit of work in those modes.
var served, messages atomic.Int64

// logStats writes counters of the whole run to stderr (the harness keeps
// server stderr in build/logs/): RPCs served, goroutines created, GC
// cycles, heap allocations and CPU time, per RPC, or per streamed message
// when the run streamed any.
func logStats() {
	m := []metrics.Sample{
		{Name: "/sched/goroutines-created:goroutines"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/gc/heap/allocs:objects"},
		{Name: "/gc/heap/allocs:bytes"},
	}
	metrics.Read(m)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	n, unit := served.Load(), "RPC"
	if msgs := messages.Load(); msgs > 0 {
		n, unit = msgs, "msg"
	}
	n = max(n, 1)
	per := func(v uint64) float64 { return float64(v) / float64(n) }
	log.Printf("served %d RPCs, %d streamed messages; goroutines created %d (%.2f/%s); GC cycles %d; heap allocs %.1f/%s, %.0f B/%s; CPU %v (%.2f µs/%s)",
		served.Load(), messages.Load(), m[0].Value.Uint64(), per(m[0].Value.Uint64()), unit, m[1].Value.Uint64(),
		per(m[2].Value.Uint64()), unit, per(m[3].Value.Uint64()), unit, cpu, float64(cpu.Nanoseconds())/1000/float64(n), unit)
}

// unary echoes the request's body (count is not echoed, as in the
// reference peers). The response is a new buffer.
func unary(req []byte, _ *grpc.ServicerContext) ([]byte, error) {
	served.Add(1)
	var in benchpb.Payload
	if err := in.Unmarshal(req); err != nil {
		return nil, err
	}
	out := benchpb.Payload{Body: in.Body}
	return out.Marshal(make([]byte, 0, out.Size())), nil
}

// stream echoes each request's body in a new response until the client
// half-closes, like the reference peers. A request iterator that ends with
// an error means the RPC is over (the client cancelled): nothing to add.
func stream(reqs iter.Seq2[[]byte, error], _ *grpc.ServicerContext) iter.Seq2[[]byte, error] {
	served.Add(1)
	return func(yield func([]byte, error) bool) {
		for req, err := range reqs {
			if err != nil {
				return
			}
			var in benchpb.Payload
			if err := in.Unmarshal(req); err != nil {
				yield(nil, err)
				return
			}
			out := benchpb.Payload{Body: in.Body}
			if !yield(out.Marshal(make([]byte, 0, out.Size())), nil) {
				return
			}
			messages.Add(1)
		}
	}
}

// flood sends `count` copies of the request's body. The response is
// encoded once: grpcio-go copies each message into C-core's buffer when it
// sends it, as the reference peers (re)serialize theirs. The iteration stops
// as soon as a send fails, i.e. when the client has cancelled the RPC.
func flood(req []byte, _ *grpc.ServicerContext) iter.Seq2[[]byte, error] {
	served.Add(1)
	var in benchpb.Payload
	if err := in.Unmarshal(req); err != nil {
		return func(yield func([]byte, error) bool) { yield(nil, err) }
	}
	out := (&benchpb.Payload{Body: in.Body}).Marshal(nil)
	return func(yield func([]byte, error) bool) {
		for i := int32(0); i < in.Count; i++ {
			if !yield(out, nil) {
				return
			}
			messages.Add(1)
		}
	}
}
