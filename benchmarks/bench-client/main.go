// Command bench-client is grpcio-go's client for the loopback benchmark
// harness (/work/shared/bench, peer contract in its README). It calls the
// harness's bench.Bench service on one channel and prints one JSON result
// line:
//
//	bench-client --target 127.0.0.1:50051 --mode latency|qps|stream|flood \
//	    --size 64 --concurrency 32 --duration 5 --warmup 1 [--poll-mode dedicated_poller]
//
// The modes:
//
//   - latency: sequential Unary calls, one in flight (the harness's `large`
//     case is this mode with --size 1048576).
//   - qps: --concurrency goroutines calling Unary on the one channel.
//   - stream: ping-pong on one Stream (bidi) call: send one message, receive
//     its echo, repeat; msgs_per_s is round trips per second and the
//     percentiles are per round trip.
//   - flood: one ServerFlood call with count 2^31-1; msgs_per_s counts the
//     messages received in the window, then the call is cancelled.
//
// Calls (round trips) that start during the warm-up are not counted; the
// window is --duration seconds after --warmup. In flood mode it runs from
// the first message received after the warm-up to the first one after the
// window, as in the reference clients.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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
	flag.StringVar(&f.mode, "mode", "latency", "latency|qps|stream|flood")
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
// latency slice). In stream and flood modes a "call" is a round trip or a
// received message (calls counts those, as in the reference clients).
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
	MsgsPerS      *float64 `json:"msgs_per_s,omitempty"`
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

// outcome is what a mode's loop measured.
type outcome struct {
	lats    []time.Duration
	calls   int64
	errs    int64
	elapsed time.Duration // the measured wall time (the window, or flood's)
	msgs    bool          // report msgs_per_s
}

// window is the measurement window [start, end).
type window struct{ start, end time.Time }

func main() {
	f := parseFlags()
	switch f.mode {
	case "latency", "qps", "stream", "flood":
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
	unary := grpc.NewUnaryUnary[[]byte, []byte](ch, benchpb.UnaryMethod)
	sizeWanted = f.size
	req := (&benchpb.Payload{Body: make([]byte, f.size)}).Marshal(nil)
	// One call to connect before the clock starts.
	if err := checkEcho(unary.Call(req, grpc.WaitForReady(true), grpc.Timeout(30*time.Second))); err != nil {
		fail(f, "first call: %v", err)
	}

	start := time.Now().Add(f.warmup)
	w := window{start, start.Add(f.duration)}
	m := startMeasurement(f)

	var o outcome
	switch f.mode {
	case "latency", "qps":
		o = runUnary(f, w, unary, req)
	case "stream":
		o, err = runStream(f, w, grpc.NewStreamStream[[]byte, []byte](ch, benchpb.StreamMethod), req)
	case "flood":
		o, err = runFlood(f, w, grpc.NewUnaryStream[[]byte, []byte](ch, benchpb.FloodMethod))
	}
	if err != nil {
		fail(f, "%s: %v", f.mode, err)
	}
	cpu, objs, bytes := m.wait()

	slices.Sort(o.lats)
	secs := o.elapsed.Seconds()
	r := &result{
		Client: clientName, Mode: f.mode, Size: f.size, Concurrency: f.concurrency,
		Calls: o.calls, QPS: math.Round(float64(o.calls)/secs*10) / 10,
		P50: percentile(o.lats, 50), P90: percentile(o.lats, 90), P99: percentile(o.lats, 99),
		DurationS: math.Round(secs*1000) / 1000, Errors: o.errs, PollMode: f.pollMode,
	}
	if o.msgs {
		r.MsgsPerS = round1(float64(o.calls) / secs)
	}
	if o.calls > 0 && cpu > 0 {
		// CPU and allocations are read at the edges of the nominal window.
		n := float64(o.calls) * f.duration.Seconds() / secs
		r.CPUUsPerCall = round1(float64(cpu.Nanoseconds()) / 1000 / n)
		r.AllocsPerCall = round1(float64(objs) / n)
		r.BytesPerCall = round1(float64(bytes) / n)
	}
	emit(r)
}

// checkEcho decodes a response and checks its body's length.
func checkEcho(b []byte, err error) error {
	if err != nil {
		return err
	}
	var resp benchpb.Payload
	if err := resp.Unmarshal(b); err != nil {
		return err
	}
	if len(resp.Body) != sizeWanted {
		return errEcho
	}
	return nil
}

// sizeWanted is --size, for checkEcho.
var sizeWanted int

// measurement reads the process's CPU time and heap allocations at the
// edges of the nominal window, and runs the CPU profile and the execution
// trace over it.
type measurement struct {
	cpuStart, cpuEnd     time.Duration
	objStart, objEnd     uint64
	bytesStart, bytesEnd uint64
	profFile, traceFile  *os.File
	started, ended       chan struct{}
}

func startMeasurement(f *flags) *measurement {
	m := &measurement{started: make(chan struct{}), ended: make(chan struct{})}
	time.AfterFunc(f.warmup, func() {
		defer close(m.started)
		m.cpuStart = cpuTime()
		m.objStart, m.bytesStart = heapAllocs()
		if f.cpuprofile != "" {
			var err error
			if m.profFile, err = os.Create(f.cpuprofile); err == nil {
				err = pprof.StartCPUProfile(m.profFile)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench-client: cpuprofile:", err)
				m.profFile = nil
			}
		}
		if f.trace != "" {
			var err error
			if m.traceFile, err = os.Create(f.trace); err == nil {
				err = trace.Start(m.traceFile)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench-client: trace:", err)
				m.traceFile = nil
			}
		}
	})
	time.AfterFunc(f.warmup+f.duration, func() {
		<-m.started
		defer close(m.ended)
		m.cpuEnd = cpuTime()
		m.objEnd, m.bytesEnd = heapAllocs()
		if m.profFile != nil {
			pprof.StopCPUProfile()
			m.profFile.Close()
		}
		if m.traceFile != nil {
			trace.Stop()
			m.traceFile.Close()
		}
	})
	return m
}

// wait waits for the end of the window (every loop returns after it, so
// this costs at most scheduling slack) and returns the window's CPU time
// and allocations.
func (m *measurement) wait() (cpu time.Duration, objs, bytes uint64) {
	<-m.ended
	if m.cpuEnd <= m.cpuStart {
		return 0, 0, 0
	}
	return m.cpuEnd - m.cpuStart, m.objEnd - m.objStart, m.bytesEnd - m.bytesStart
}

// runUnary is latency and qps: f.concurrency goroutines calling Unary.
func runUnary(f *flags, w window, mc *grpc.UnaryUnaryMultiCallable[[]byte, []byte], req []byte) outcome {
	workers := make([]worker, f.concurrency)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func(wk *worker) {
			defer wg.Done()
			for {
				t0 := time.Now()
				if !t0.Before(w.end) {
					return
				}
				err := checkEcho(mc.Call(req))
				if t0.Before(w.start) {
					continue
				}
				if err != nil {
					wk.errs++
					continue
				}
				wk.lats = append(wk.lats, time.Since(t0))
				wk.calls++
			}
		}(&workers[i])
	}
	wg.Wait()
	o := outcome{elapsed: w.end.Sub(w.start)}
	for i := range workers {
		o.lats = append(o.lats, workers[i].lats...)
		o.calls += workers[i].calls
		o.errs += workers[i].errs
	}
	return o
}

// runStream is ping-pong on one bidi call. grpcio-go takes the request
// stream as an iterator that it consumes on its own goroutine, so each
// request goes to that goroutine over a channel; the response comes back
// on this one from Next.
func runStream(f *flags, w window, mc *grpc.StreamStreamMultiCallable[[]byte, []byte], req []byte) (outcome, error) {
	reqs := make(chan []byte)
	it, err := mc.Call(func(yield func([]byte) bool) {
		for b := range reqs {
			if !yield(b) {
				return
			}
		}
	})
	if err != nil {
		return outcome{}, err
	}
	// done is closed when the RPC ends, so that a send cannot block on a
	// request goroutine that has stopped.
	done := make(chan struct{})
	if !it.AddCallback(func() { close(done) }) {
		close(done)
	}
	o := outcome{elapsed: w.end.Sub(w.start), msgs: true}
	for {
		t0 := time.Now()
		if !t0.Before(w.end) {
			break
		}
		select {
		case reqs <- req:
		case <-done:
		}
		if err := checkEcho(it.Next()); err != nil {
			it.Cancel()
			return o, fmt.Errorf("round trip: %w", err)
		}
		if t0.Before(w.start) {
			continue
		}
		o.lats = append(o.lats, time.Since(t0))
		o.calls++
	}
	close(reqs) // half-close; the server then ends the RPC with OK
	if _, err := it.Next(); !errors.Is(err, io.EOF) {
		return o, fmt.Errorf("end of stream: %v", err)
	}
	return o, nil
}

// runFlood is one ServerFlood call with count 2^31-1: it counts the
// messages received between the first one after the warm-up and the first
// one after the window, then cancels the call.
func runFlood(f *flags, w window, mc *grpc.UnaryStreamMultiCallable[[]byte, []byte]) (outcome, error) {
	req := (&benchpb.Payload{Body: make([]byte, f.size), Count: math.MaxInt32}).Marshal(nil)
	it, err := mc.Call(req)
	if err != nil {
		return outcome{}, err
	}
	defer it.Cancel()
	o := outcome{msgs: true}
	var start time.Time
	for {
		if err := checkEcho(it.Next()); err != nil {
			return o, fmt.Errorf("receive: %w", err)
		}
		now := time.Now()
		if now.Before(w.start) {
			continue
		}
		if start.IsZero() {
			start = now
			continue
		}
		if !now.Before(w.end) {
			break
		}
		o.calls++
	}
	o.elapsed = time.Since(start)
	return o, nil
}
