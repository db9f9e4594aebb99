// Command bench-client is grpcio-go's client for the loopback benchmark
// harness (/work/shared/bench, peer contract in its README). It calls
// /bench.Bench/Unary on one channel and prints one JSON result line:
//
//	bench-client --target 127.0.0.1:50051 --mode latency|qps --size 64 \
//	    --concurrency 32 --duration 5 --warmup 1 [--poll-mode dedicated_poller]
//
// latency: sequential calls, one in flight. qps: --concurrency goroutines
// calling on the one channel. Calls that start during the warm-up are not
// counted; the window is --duration seconds after --warmup. stream and
// flood print a result line with an "error" field and exit 1 (grpcio-go has
// no streaming RPCs yet).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/grpcio-go/grpcio/benchmarks/internal/benchpb"
	"github.com/grpcio-go/grpcio/grpc"
)

const clientName = "grpcio-go"

type flags struct {
	target      string
	mode        string
	size        int
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	pollMode    string
	cpuprofile  string
	trace       string
}

func parseFlags() *flags {
	f := &flags{}
	var dur, warm float64
	flag.StringVar(&f.target, "target", "127.0.0.1:50051", "host:port")
	flag.StringVar(&f.mode, "mode", "latency", "latency|qps|stream|flood (stream and flood: not supported yet)")
	flag.IntVar(&f.size, "size", 64, "payload body bytes")
	flag.IntVar(&f.concurrency, "concurrency", 1, "goroutines calling at once (qps mode)")
	flag.Float64Var(&dur, "duration", 5, "measured seconds")
	flag.Float64Var(&warm, "warmup", 1, "warm-up seconds")
	flag.StringVar(&f.pollMode, "poll-mode", "leader_follower", "leader_follower|dedicated_poller|per_call_pluck (channel option "+grpc.PollModeOption+")")
	flag.StringVar(&f.cpuprofile, "cpuprofile", "", "write a CPU profile of the measured window to this file")
	flag.StringVar(&f.trace, "trace", "", "write a runtime execution trace of the measured window to this file")
	flag.Parse()
	f.duration = time.Duration(dur * float64(time.Second))
	f.warmup = time.Duration(warm * float64(time.Second))
	if f.concurrency < 1 || f.mode != "qps" {
		f.concurrency = 1
	}
	return f
}

// result is the harness's JSON line, plus poll_mode and, per counted call
// over the window, the client's CPU time (user+sys, getrusage) and heap
// allocations (runtime/metrics; they include the harness loop's own
// latency slice).
type result struct {
	Client        string   `json:"client"`
	Mode          string   `json:"mode"`
	Size          int      `json:"size"`
	Concurrency   int      `json:"concurrency"`
	Calls         int64    `json:"calls"`
	QPS           float64  `json:"qps"`
	P50           *float64 `json:"p50_us,omitempty"`
	P90           *float64 `json:"p90_us,omitempty"`
	P99           *float64 `json:"p99_us,omitempty"`
	DurationS     float64  `json:"duration_s"`
	Errors        int64    `json:"errors"`
	PollMode      string   `json:"poll_mode"`
	CPUUsPerCall  *float64 `json:"cpu_us_per_call,omitempty"`
	AllocsPerCall *float64 `json:"allocs_per_call,omitempty"`
	BytesPerCall  *float64 `json:"alloc_bytes_per_call,omitempty"`
	Error         string   `json:"error,omitempty"`
}

func emit(r *result) {
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}

func fail(f *flags, format string, a ...any) {
	msg := fmt.Sprintf(format, a...)
	fmt.Fprintln(os.Stderr, "bench-client: "+msg)
	emit(&result{Client: clientName, Mode: f.mode, Size: f.size, Concurrency: f.concurrency, PollMode: f.pollMode, Error: msg})
	os.Exit(1)
}

func round1(v float64) *float64 { v = math.Round(v*10) / 10; return &v }

// percentile uses the harness's rule: the ceil(p% * n)-th smallest value.
func percentile(sorted []time.Duration, p float64) *float64 {
	if len(sorted) == 0 {
		return nil
	}
	i := max(int(math.Ceil(p/100*float64(len(sorted))))-1, 0)
	return round1(float64(sorted[i].Nanoseconds()) / 1000)
}

// heapAllocs reads the objects and bytes allocated since the start.
func heapAllocs() (objects, bytes uint64) {
	m := []metrics.Sample{{Name: "/gc/heap/allocs:objects"}, {Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(m)
	return m[0].Value.Uint64(), m[1].Value.Uint64()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// worker is one calling goroutine's tally, merged at the end.
type worker struct {
	lats  []time.Duration
	calls int64
	errs  int64
}

var errEcho = errors.New("response body differs in length from the request's")

func main() {
	f := parseFlags()
	switch f.mode {
	case "latency", "qps":
	case "stream", "flood":
		fmt.Fprintf(os.Stderr, "bench-client: %s: grpcio-go has no streaming RPCs yet\n", f.mode)
		fail(f, "mode not supported yet")
	default:
		fail(f, "unknown mode %q", f.mode)
	}

	ch, err := grpc.InsecureChannel(f.target, grpc.Options{
		{grpc.PollModeOption, f.pollMode},
		{"grpc.max_receive_message_length", 64 << 20},
		{"grpc.max_send_message_length", 64 << 20},
	})
	if err != nil {
		fail(f, "channel: %v", err)
	}
	defer ch.Close()
	mc := grpc.NewUnaryUnary[[]byte, []byte](ch, benchpb.UnaryMethod)
	req := (&benchpb.Payload{Body: make([]byte, f.size)}).Marshal(nil)
	call := func(opts ...grpc.CallOption) error {
		b, err := mc.Call(req, opts...)
		if err != nil {
			return err
		}
		var resp benchpb.Payload
		if err := resp.Unmarshal(b); err != nil {
			return err
		}
		if len(resp.Body) != f.size {
			return errEcho
		}
		return nil
	}
	// One call to connect before the clock starts.
	if err := call(grpc.WaitForReady(true), grpc.Timeout(30*time.Second)); err != nil {
		fail(f, "first call: %v", err)
	}

	start := time.Now().Add(f.warmup)
	end := start.Add(f.duration)
	var cpuStart, cpuEnd time.Duration
	var objStart, objEnd, bytesStart, bytesEnd uint64
	var profFile, traceFile *os.File
	started, ended := make(chan struct{}), make(chan struct{})
	time.AfterFunc(f.warmup, func() {
		defer close(started)
		cpuStart = cpuTime()
		objStart, bytesStart = heapAllocs()
		if f.cpuprofile != "" {
			var err error
			if profFile, err = os.Create(f.cpuprofile); err == nil {
				err = pprof.StartCPUProfile(profFile)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench-client: cpuprofile:", err)
				profFile = nil
			}
		}
		if f.trace != "" {
			var err error
			if traceFile, err = os.Create(f.trace); err == nil {
				err = trace.Start(traceFile)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench-client: trace:", err)
				traceFile = nil
			}
		}
	})
	time.AfterFunc(f.warmup+f.duration, func() {
		<-started
		defer close(ended)
		cpuEnd = cpuTime()
		objEnd, bytesEnd = heapAllocs()
		if profFile != nil {
			pprof.StopCPUProfile()
			profFile.Close()
		}
		if traceFile != nil {
			trace.Stop()
			traceFile.Close()
		}
	})

	workers := make([]worker, f.concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func(w *worker) {
			defer wg.Done()
			for {
				t0 := time.Now()
				if !t0.Before(end) {
					return
				}
				err := call()
				if t0.Before(start) {
					continue
				}
				if err != nil {
					w.errs++
					continue
				}
				w.lats = append(w.lats, time.Since(t0))
				w.calls++
			}
		}(&workers[i])
	}
	wg.Wait()
	// Every worker returns after `end`, when the end timer fires: waiting
	// for it costs at most scheduling slack.
	<-ended

	var lats []time.Duration
	var calls, errs int64
	for i := range workers {
		lats = append(lats, workers[i].lats...)
		calls += workers[i].calls
		errs += workers[i].errs
	}
	slices.Sort(lats)
	secs := f.duration.Seconds()
	r := &result{
		Client: clientName, Mode: f.mode, Size: f.size, Concurrency: f.concurrency,
		Calls: calls, QPS: math.Round(float64(calls)/secs*10) / 10,
		P50: percentile(lats, 50), P90: percentile(lats, 90), P99: percentile(lats, 99),
		DurationS: math.Round(secs*1000) / 1000, Errors: errs, PollMode: f.pollMode,
	}
	if calls > 0 && cpuEnd > cpuStart {
		r.CPUUsPerCall = round1(float64((cpuEnd - cpuStart).Nanoseconds()) / 1000 / float64(calls))
		r.AllocsPerCall = round1(float64(objEnd-objStart) / float64(calls))
		r.BytesPerCall = round1(float64(bytesEnd-bytesStart) / float64(calls))
	}
	emit(r)
}
