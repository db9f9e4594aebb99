package interop_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grpcio-go/grpcio/internal/grpctest"
)

// The helpers of client_test.go: building grpcio-go's interop client and
// the grpc-go servers it is tested against, and running them. Their names
// start with "client" so that they stay apart from the server role's tests
// in this package.

// clientHostOverride is the name in grpc's test server certificate
// (server1.pem) that the TLS runs check it against.
const clientHostOverride = "foo.test.google.fr"

// clientGoEnv is the environment for go commands in the peer modules: each
// is its own module, outside any workspace.
func clientGoEnv() []string { return append(os.Environ(), "GOWORK=off") }

// clientGoCommand runs go with args in dir under ctx and returns its
// combined output.
func clientGoCommand(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = dir, clientGoEnv()
	return cmd.CombinedOutput()
}

// clientRequireGo skips t unless the go command is on PATH.
func clientRequireGo(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("no go command in PATH (%v); install Go from go.dev or the golang-go package", err)
	}
}

// buildInteropClient builds interop/client, with the race detector, into
// a temporary directory and returns its path.
func buildInteropClient(t *testing.T) string {
	t.Helper()
	clientRequireGo(t)
	bin := filepath.Join(t.TempDir(), "interop_client")
	grpctest.Run(t, exec.Command("go", "build", "-race", "-o", bin, "./client"))
	return bin
}

// clientGrpcGo is grpc-go's official interop server built from
// testdata/goclientpeers, and the directory of the grpc-go module, whose
// testdata/ holds ca.pem, server1.pem and server1.key.
type clientGrpcGo struct {
	server string
	dir    string
}

// buildClientGrpcGo builds grpc-go's official interop server
// (google.golang.org/grpc/interop/server) from testdata/goclientpeers, a
// module of its own. Fetching the modules is what needs the network
// (GOPROXY) or a module cache holding them: if it fails, t is skipped.
// A failing build fails t.
func buildClientGrpcGo(t *testing.T) clientGrpcGo {
	t.Helper()
	clientRequireGo(t)
	dir, err := filepath.Abs(filepath.Join("testdata", "goclientpeers"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := clientGoCommand(ctx, dir, "mod", "download"); err != nil {
		t.Skipf("cannot fetch google.golang.org/grpc for testdata/goclientpeers (%v): %s; "+
			"it needs the Go module proxy (GOPROXY) or a module cache holding google.golang.org/grpc v1.85.0",
			err, bytes.TrimSpace(out))
	}
	out, err := clientGoCommand(ctx, dir, "list", "-m", "-f", "{{.Dir}}", "google.golang.org/grpc")
	if err != nil {
		t.Fatalf("go list -m google.golang.org/grpc in %s: %v\n%s", dir, err, out)
	}
	g := clientGrpcGo{dir: strings.TrimSpace(string(out)), server: filepath.Join(t.TempDir(), "interop_server")}
	if out, err := clientGoCommand(ctx, dir, "build", "-o", g.server, "google.golang.org/grpc/interop/server"); err != nil {
		t.Fatalf("go build google.golang.org/grpc/interop/server in %s: %v\n%s", dir, err, out)
	}
	return g
}

func (g clientGrpcGo) testdata(name string) string { return filepath.Join(g.dir, "testdata", name) }

// serverTLSFlags are the server flags grpc-go's interop servers (and the
// harness's goserver) take to serve TLS with grpc's server1.pem.
func (g clientGrpcGo) serverTLSFlags() []string {
	return []string{"--use_tls=true", "--tls_cert_file=" + g.testdata("server1.pem"), "--tls_key_file=" + g.testdata("server1.key")}
}

// clientTLSFlags are the client flags for a server with server1.pem, as the
// spec's runs pass them.
func (g clientGrpcGo) clientTLSFlags() []string {
	return []string{"--use_tls=true", "--use_test_ca=true", "--ca_file=" + g.testdata("ca.pem"),
		"--server_host_override=" + clientHostOverride}
}

// clientHarnessDir is the shared interop harness: $INTEROP_HARNESS, or
// shared/interop next to the repository.
func clientHarnessDir() string {
	if d := os.Getenv("INTEROP_HARNESS"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "interop")
}

// buildClientHarnessGoServer builds the harness's goserver (grpc-go's
// TestService plus the expect_compressed checks and response compression it
// lacks) from the harness's peers module. Without the harness, or without
// the modules it needs, t is skipped.
func buildClientHarnessGoServer(t *testing.T) string {
	t.Helper()
	clientRequireGo(t)
	dir, err := filepath.Abs(filepath.Join(clientHarnessDir(), "peers"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "goserver", "main.go")); err != nil {
		t.Skipf("the compression cases need the interop harness's goserver (grpc-go's official server "+
			"does not check expect_compressed): %v; set INTEROP_HARNESS to the shared/interop directory", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := clientGoCommand(ctx, dir, "mod", "download"); err != nil {
		t.Skipf("cannot fetch the modules of %s (%v): %s; it needs the Go module proxy (GOPROXY)",
			dir, err, bytes.TrimSpace(out))
	}
	bin := filepath.Join(t.TempDir(), "goserver")
	if out, err := clientGoCommand(ctx, dir, "build", "-o", bin, "./goserver"); err != nil {
		t.Fatalf("go build ./goserver in %s: %v\n%s", dir, err, out)
	}
	return bin
}

// clientFreePort returns a loopback port that was free a moment ago, for
// servers that cannot pick their own (grpc-go's official server takes
// --port and listens on all interfaces).
func clientFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startClientPeerServer starts the server program bin with args and
// --port=N on a free port, waits until 127.0.0.1:N takes connections, and
// returns N. The server is killed at the end of the test; its output is
// logged if the test failed. If it exits before serving (another process
// took the port between clientFreePort and its listen) it is tried again
// on another port.
func startClientPeerServer(t *testing.T, name, bin string, args ...string) int {
	t.Helper()
	for attempt := 1; ; attempt++ {
		port := clientFreePort(t)
		var out grpctest.LockedBuffer
		cmd := exec.Command(bin, append(args, "--port="+strconv.Itoa(port))...)
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		err := clientWaitServing(port, exited)
		if err == nil {
			t.Cleanup(func() {
				_ = cmd.Process.Kill()
				<-exited
				if t.Failed() {
					t.Logf("%s output:\n%s", name, out.String())
				}
			})
			return port
		}
		_ = cmd.Process.Kill()
		<-exited
		if attempt == 3 {
			t.Fatalf("%s did not serve on 127.0.0.1:%d: %v\n%s", name, port, err, out.String())
		}
		t.Logf("%s did not serve on 127.0.0.1:%d (%v); trying another port", name, port, err)
	}
}

// clientWaitServing waits up to 30 seconds for 127.0.0.1:port to take
// connections, failing early if the server exits.
func clientWaitServing(port int, exited <-chan error) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			if err == nil {
				err = errors.New("exited")
			}
			return err
		default:
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// clientRun runs the interop client bin with args (at most two minutes)
// and returns its exit status and combined output.
func clientRun(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	// The client is a race build: it exits with status 66 if the detector
	// found a race, and without the detector's one-second pause at exit.
	cmd.Env = append(os.Environ(), "GORACE=atexit_sleep_ms=0")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("interop client %s: timed out after 2 minutes\n%s", strings.Join(args, " "), out)
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	}
	t.Fatalf("interop client %s: %v\n%s", strings.Join(args, " "), err, out)
	return -1, ""
}

// clientCaseArgs are the client's flags for test case c against port, with
// extra flags (TLS) after them.
func clientCaseArgs(port int, c string, extra ...string) []string {
	return append([]string{"--server_host=127.0.0.1", "--server_port=" + strconv.Itoa(port), "--test_case=" + c}, extra...)
}

// runClientCases runs each case as a subtest and asserts that the client
// exits 0 for it.
func runClientCases(t *testing.T, bin string, port int, cases []string, extra ...string) {
	t.Helper()
	for _, c := range cases {
		t.Run(c, func(t *testing.T) {
			code, out := clientRun(t, bin, clientCaseArgs(port, c, extra...)...)
			if code != 0 {
				t.Fatalf("exit status %d, want 0\n%s", code, out)
			}
		})
	}
}
