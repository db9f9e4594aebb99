package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestPeerContract builds bench-server and bench-client and runs every mode
// of the harness's peer contract between them for a fraction of a second:
// one JSON line each, calls counted, no errors, and the fields each mode
// reports.
func TestPeerContract(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the peer binaries")
	}
	dir := t.TempDir()
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	server, client := filepath.Join(dir, "bench-server"), filepath.Join(dir, "bench-client")
	for bin, pkg := range map[string]string{server: "../bench-server", client: "."} {
		if out, err := exec.Command(gobin, "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	srv := exec.Command(server, "--port", strconv.Itoa(port))
	var srvErr bytes.Buffer
	srv.Stderr = &srvErr
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sc.Text() == "READY" {
				ready <- true
				return
			}
		}
		ready <- false
	}()
	select {
	case ok := <-ready:
		if !ok {
			srv.Wait()
			t.Fatalf("server exited before READY: %s", srvErr.String())
		}
	case <-time.After(30 * time.Second):
		srv.Process.Kill()
		t.Fatal("server not READY within 30s")
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			srv.Process.Signal(syscall.SIGTERM)
			srv.Wait()
		}
	}
	defer stop()

	for _, c := range []struct {
		name, mode string
		size, conc int
	}{
		{"latency", "latency", 64, 1},
		{"qps", "qps", 64, 4},
		{"stream", "stream", 64, 1},
		{"flood", "flood", 64, 1},
		{"large", "latency", 1 << 20, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := exec.Command(client, "--target", "127.0.0.1:"+strconv.Itoa(port), "--mode", c.mode,
				"--size", strconv.Itoa(c.size), "--concurrency", strconv.Itoa(c.conc),
				"--duration", "0.3", "--warmup", "0.1").Output()
			if err != nil {
				t.Fatalf("client: %v; stdout %q; stderr %s", err, out, stderrOf(err))
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(lines) != 1 {
				t.Fatalf("want one JSON line, got %q", out)
			}
			var r map[string]any
			if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
				t.Fatalf("%v: %q", err, lines[0])
			}
			if r["error"] != nil || r["errors"] != 0.0 || r["mode"] != c.mode || r["size"] != float64(c.size) {
				t.Fatalf("result %s", lines[0])
			}
			if calls, _ := r["calls"].(float64); calls < 1 {
				t.Fatalf("no calls counted: %s", lines[0])
			}
			streaming := c.mode == "stream" || c.mode == "flood"
			if _, ok := r["msgs_per_s"]; ok != streaming {
				t.Errorf("msgs_per_s present: %v, want %v: %s", ok, streaming, lines[0])
			}
			if _, ok := r["p50_us"]; ok != (c.mode != "flood") {
				t.Errorf("p50_us present: %v: %s", ok, lines[0])
			}
			for _, k := range []string{"client", "concurrency", "qps", "duration_s", "poll_mode", "cpu_us_per_call"} {
				if _, ok := r[k]; !ok {
					t.Errorf("no %s: %s", k, lines[0])
				}
			}
		})
	}

	stop()
	if !strings.Contains(srvErr.String(), "served ") {
		t.Errorf("server's stderr has no counters: %q", srvErr.String())
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
