// Package peers_test proves grpcio-go against independent implementations
// of gRPC, on every RPC shape:
//
//   - a Python grpcio client calls a grpcio-go server: unary
//     (python_client_test.go) and streaming (python_stream_client_test.go);
//   - grpcio-go's client calls a Python grpcio server
//     (python_server_test.go) and a grpc-go server (gopeer_test.go);
//   - compression as grpc-go sees it on the wire, of grpcio-go's requests
//     and of its server's responses (compression_test.go).
//
// The peers are optional: requirePeer skips a test, with what to install,
// when its peer is missing.
package peers_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
)

// peer names an optional independent implementation.
type peer int

const (
	// pythonGRPCIO is Debian's python3-grpcio under /usr/bin/python3.
	pythonGRPCIO peer = iota
	// grpcGoServer is testdata/gopeer, a grpc-go server built from source.
	grpcGoServer
)

const pythonPath = grpctest.Python3

// requirePeer makes p available and returns the program to run: the
// Python interpreter, or the path of the freshly built Go peer. When p's
// prerequisites are missing (no python3 with grpc; no go command or no
// module proxy to fetch grpc-go from) it skips t with the reason and what
// to install. Anything else that fails, such as the Go peer not compiling,
// fails t.
func requirePeer(t *testing.T, p peer) string {
	t.Helper()
	switch p {
	case pythonGRPCIO:
		if _, err := os.Stat(pythonPath); err != nil {
			t.Skipf("python peer: %v; install it with `apt-get install python3 python3-grpcio`", err)
		}
		// Run from testdata, where no grpc/ directory can shadow the package.
		cmd := exec.Command(pythonPath, "-c", "import grpc; grpc.insecure_channel; grpc.channel_ready_future")
		cmd.Dir = "testdata"
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("python peer: %s cannot import grpc (%v): %s; install it with `apt-get install python3-grpcio`",
				pythonPath, err, bytes.TrimSpace(out))
		}
		return pythonPath
	case grpcGoServer:
		return buildGoPeer(t)
	}
	t.Fatalf("unknown peer %d", p)
	return ""
}

// buildGoPeer builds testdata/gopeer, its own module, into t.TempDir().
// Fetching its modules is the step that needs the network: if it fails the
// test is skipped; a failing build fails it.
func buildGoPeer(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go peer: no go command in PATH (%v); install Go from the golang-go package or go.dev", err)
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "gopeer"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := append(os.Environ(), "GOWORK=off")
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, goCmd, args...)
		cmd.Dir = dir
		cmd.Env = env
		return cmd.CombinedOutput()
	}
	if out, err := run("mod", "download"); err != nil {
		t.Skipf("go peer: cannot fetch google.golang.org/grpc for testdata/gopeer (%v): %s; "+
			"it needs the Go module proxy (GOPROXY) or a module cache holding google.golang.org/grpc v1.85.0",
			err, bytes.TrimSpace(out))
	}
	bin := filepath.Join(t.TempDir(), "gopeer")
	if out, err := run("build", "-o", bin, "."); err != nil {
		t.Fatalf("go peer: go build in %s: %v\n%s", dir, err, out)
	}
	return bin
}

// startServer starts a grpcio-go server serving handlers as service and
// returns its target.
func startServer(t *testing.T, service string, handlers map[string]*grpc.RPCMethodHandler) string {
	t.Helper()
	_, target := grpctest.StartServer(t, service, handlers)
	return target
}

// dial opens a grpcio-go channel closed at the end of the test.
func dial(t *testing.T, target string) *grpc.Channel {
	t.Helper()
	return grpctest.Dial(t, target)
}

// bigPayload is 1 MiB of bytes without a short period; python_client.py's
// BIG is the same.
func bigPayload() []byte {
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte(i*7 + (i>>8)*13 + i>>16)
	}
	return b
}

// sortedMD orders md by key, keeping the order of a key's values: for
// comparing metadata from a peer that does not keep the order of keys.
func sortedMD(md grpc.Metadata) grpc.Metadata {
	md = slices.Clone(md)
	slices.SortStableFunc(md, func(a, b grpc.Metadatum) int { return strings.Compare(a.Key, b.Key) })
	return md
}

// receive waits up to 10 seconds for a value from c.
func receive[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// startPeerProcess runs cmd, a peer server named name, reads the
// "PORT <n>" line it prints and stops it at the end of the test by closing
// its standard input (the peers exit when it reaches end of file: they
// cannot outlive this process), then killing it. It returns the peer's
// target. The peer's standard error is logged if the test failed.
func startPeerProcess(t *testing.T, name string, cmd *exec.Cmd) string {
	t.Helper()
	var stderr grpctest.LockedBuffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	t.Cleanup(func() {
		stdin.Close()
		exited := make(chan struct{})
		go func() {
			_ = cmd.Wait()
			close(exited)
		}()
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", name, stderr.Bytes())
		}
	})
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- l
	}()
	var l string
	select {
	case l = <-line:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-line
		t.Fatalf("%s did not print its port within 30s", name)
	}
	port, ok := strings.CutPrefix(strings.TrimSpace(l), "PORT ")
	if _, err := strconv.Atoi(port); !ok || err != nil {
		t.Fatalf("%s printed %q, want \"PORT <n>\"", name, l)
	}
	return "127.0.0.1:" + port
}
