package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grpcio-go/grpcio/grpc"
	pb "github.com/grpcio-go/grpcio/interop/grpc_testing"
)

// soakConfig holds the spec's soak flags.
type soakConfig struct {
	iterations            int
	maxFailures           int
	maxLatencyMs          int
	overallTimeoutSeconds int // 0: maxLatencyMs × iterations
	minTimeMsBetweenRPCs  int
	numThreads            int // not in grpc 1.51's spec; grpc-go's flag
}

func (s *soakConfig) validate() error {
	switch {
	case s.iterations < 0:
		return errors.New("--soak_iterations must not be negative")
	case s.maxFailures < 0:
		return errors.New("--soak_max_failures must not be negative")
	case s.maxLatencyMs <= 0:
		return errors.New("--soak_per_iteration_max_acceptable_latency_ms must be positive")
	case s.overallTimeoutSeconds < 0:
		return errors.New("--soak_overall_timeout_seconds must not be negative")
	case s.minTimeMsBetweenRPCs < 0:
		return errors.New("--soak_min_time_ms_between_rpcs must not be negative")
	case s.numThreads <= 0:
		return errors.New("--soak_num_threads must be positive")
	}
	return nil
}

// overallTimeout is --soak_overall_timeout_seconds, by default the spec's
// soak_per_iteration_max_acceptable_latency_ms × soak_iterations.
func (s *soakConfig) overallTimeout() time.Duration {
	if s.overallTimeoutSeconds > 0 {
		return time.Duration(s.overallTimeoutSeconds) * time.Second
	}
	return time.Duration(s.maxLatencyMs) * time.Millisecond * time.Duration(s.iterations)
}

// soakResult is one iteration's record.
type soakResult struct {
	done    bool // the iteration ran (it may still have failed)
	latency time.Duration
	err     error // non-nil: a non-OK status or a wrong response
}

// soak runs rpc_soak (newChannel false: every RPC on the client's channel)
// or channel_soak (newChannel true: each RPC on a channel created just
// before it, whose creation counts in the latency, and closed just after
// it, whose teardown does not). Iterations are large_unary RPCs without a
// deadline of their own, shared by --soak_num_threads goroutines, each
// logged in the spec's format; the overall timeout stops new iterations and
// cuts the ones under way. A second pass over the records then fails the
// case if not every iteration ran, or if more than --soak_max_failures
// failed or took longer than the acceptable latency.
func (c *interopClient) soak(newChannel bool) error {
	cfg := c.args.soak
	maxLatency := time.Duration(cfg.maxLatencyMs) * time.Millisecond
	minBetween := time.Duration(cfg.minTimeMsBetweenRPCs) * time.Millisecond
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), cfg.overallTimeout())
	defer cancel()

	// grpcio's client exposes no peer address (grpc-go's grpc.Peer): the
	// target is what was dialled.
	peer := c.args.target()
	results := make([]soakResult, cfg.iterations)
	var next atomic.Int64
	var logMu sync.Mutex
	var wg sync.WaitGroup
	for range cfg.numThreads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= cfg.iterations || ctx.Err() != nil {
					return
				}
				earliestNext := time.Now().Add(minBetween)
				latency, err := c.soakIteration(ctx, newChannel)
				if err == nil && latency > maxLatency {
					err = fmt.Errorf("latency %d ms exceeds the acceptable %d ms", latency.Milliseconds(), cfg.maxLatencyMs)
				}
				results[i] = soakResult{done: true, latency: latency, err: err}
				logMu.Lock()
				if err != nil {
					fmt.Fprintf(c.log, "soak iteration: %d elapsed_ms: %d peer: %s failed: %v\n", i, latency.Milliseconds(), peer, err)
				} else {
					fmt.Fprintf(c.log, "soak iteration: %d elapsed_ms: %d peer: %s succeeded\n", i, latency.Milliseconds(), peer)
				}
				logMu.Unlock()
				select {
				case <-time.After(time.Until(earliestNext)):
				case <-ctx.Done():
				}
			}
		}()
	}
	wg.Wait()

	// The second pass.
	var ran, failed int
	var latencies []time.Duration
	for _, r := range results {
		if !r.done {
			continue
		}
		ran++
		latencies = append(latencies, r.latency)
		if r.err != nil {
			failed++
		}
	}
	slices.Sort(latencies)
	pct := func(p int) int64 {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[(len(latencies)-1)*p/100].Milliseconds()
	}
	fmt.Fprintf(c.log, "soak test ran %d of %d iterations in %d ms: %d succeeded, %d failed; latency ms: median %d, 90th %d, max %d\n",
		ran, cfg.iterations, time.Since(start).Milliseconds(), ran-failed, failed, pct(50), pct(90), pct(100))
	if ran < cfg.iterations {
		return fmt.Errorf("only %d of %d iterations ran within the overall timeout of %v", ran, cfg.iterations, cfg.overallTimeout())
	}
	if failed > cfg.maxFailures {
		return fmt.Errorf("%d of %d iterations failed or were too slow, more than --soak_max_failures=%d", failed, cfg.iterations, cfg.maxFailures)
	}
	return nil
}

// soakIteration runs one large_unary RPC, on a new channel if newChannel,
// and returns its latency: from before the channel is created to the end
// of the RPC.
func (c *interopClient) soakIteration(ctx context.Context, newChannel bool) (time.Duration, error) {
	start := time.Now()
	stub := c.stub
	if newChannel {
		ch, err := c.args.dial()
		if err != nil {
			return time.Since(start), fmt.Errorf("creating the channel: %w", err)
		}
		defer ch.Close() // after the latency is taken
		stub = pb.NewTestServiceStub(ch)
	}
	resp, err := stub.UnaryCall.Call(largeUnaryRequest(), grpc.WithContext(ctx))
	latency := time.Since(start)
	if err != nil {
		return latency, rpcFailed("UnaryCall", err)
	}
	return latency, checkPayload(resp.GetPayload(), largeResponseSize)
}
