// Command bench-server is grpcio-go's server for the loopback benchmark
// harness (/work/shared/bench, peer contract in its README): it serves
// /bench.Bench/Unary (echo of the request body) on 127.0.0.1:PORT, prints
// READY once serving and exits on SIGTERM or SIGINT.
//
// Only the unary method is served; Stream and ServerFlood end with
// UNIMPLEMENTED until grpcio-go has streaming RPCs.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime/metrics"
	"runtime/pprof"
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

	s, err := grpc.NewServer(grpc.MaxWorkers(*workers))
	if err != nil {
		log.Fatal(err)
	}
	s.AddRegisteredMethodHandlers(benchpb.Service, map[string]*grpc.RPCMethodHandler{
		"Unary": grpc.UnaryUnaryRPCMethodHandler(unary, nil, nil),
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

var served atomic.Int64

// logStats writes counters of the whole run to stderr (the harness keeps
// server stderr in build/logs/): RPCs served, goroutines created, GC
// cycles, heap allocations and CPU time, per RPC where it makes sense.
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
	n := max(served.Load(), 1)
	per := func(v uint64) float64 { return float64(v) / float64(n) }
	log.Printf("served %d RPCs; goroutines created %d (%.2f/RPC); GC cycles %d; heap allocs %.1f/RPC, %.0f B/RPC; CPU %v (%.1f µs/RPC)",
		served.Load(), m[0].Value.Uint64(), per(m[0].Value.Uint64()), m[1].Value.Uint64(),
		per(m[2].Value.Uint64()), per(m[3].Value.Uint64()), cpu, float64(cpu.Microseconds())/float64(n))
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
