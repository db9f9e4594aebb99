// Package leakcheck verifies, at the end of a test, that nothing the test
// created is left: goroutines, C objects owned by grpcio-go, C-core's init
// reference and file descriptors.
package leakcheck

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/grpcio-go/grpcio/core"
)

// Check registers a cleanup that fails t if the test leaves anything
// behind. Call it first in a test, so that its cleanup runs last.
func Check(t testing.TB) {
	t.Helper()
	warmUp.Do(func() {
		// C-core 1.51 opens its event engine's epoll and eventfd descriptors
		// once per process and keeps them: take them before the baseline.
		if ch, err := core.NewInsecureChannel("localhost:1", nil, core.LeaderFollower); err == nil {
			ch.Close()
		}
	})
	fds := countFDs()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		if err := waitFor(5*time.Second, func() error {
			if l := core.LiveObjects(); l != (core.Live{}) {
				return fmt.Errorf("C objects still alive: %+v", l)
			}
			if core.Initialized() {
				return fmt.Errorf("C-core still holds an init reference")
			}
			if n := countFDs(); n > fds {
				return fmt.Errorf("%d file descriptors open, %d at the start", n, fds)
			}
			return nil
		}); err != nil {
			t.Error(err)
		}
		if err := goleak.Find(ignore); err != nil {
			t.Error(err)
		}
	})
}

var warmUp sync.Once

func waitFor(d time.Duration, f func() error) error {
	deadline := time.Now().Add(d)
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func countFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return 0
	}
	return len(ents)
}
