package interop_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
	"github.com/grpcio-go/grpcio/interop/server/service"
)

// serverGoClientCases are the cases of grpc-go's official interop client
// (google.golang.org/grpc/interop/client v1.85.0) that need no cloud
// credentials and no ORCA backend metrics: the 14 core cases, the soak
// cases and pick_first_unary (one server: every response names the same
// server ID).
var serverGoClientCases = []string{
	"empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
	"timeout_on_sleeping_server", "cancel_after_begin", "cancel_after_first_response", "custom_metadata",
	"status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
	"pick_first_unary", "rpc_soak", "channel_soak",
}

// serverCompressionCases are the compression cases, which grpc-go's official
// client lacks: testdata/gopeers/compression runs them with grpc-go.
var serverCompressionCases = []string{
	"client_compressed_unary", "server_compressed_unary", "client_compressed_streaming", "server_compressed_streaming",
}

// serverTLSHost is the name the interop clients expect in the server's
// certificate (grpc's test server1.pem names *.test.google.fr).
const serverTLSHost = "foo.test.google.fr"

// TestServerInterop runs grpc-go's official interop client, and grpc-go's
// compression client of testdata/gopeers, against grpcio-go's interop
// server in this process: every case, in plaintext and over TLS with grpc's
// test certificate server1.pem. Each case must pass.
func TestServerInterop(t *testing.T) {
	leakcheck.Check(t)
	peers := buildServerPeers(t)
	for _, tls := range []bool{false, true} {
		name := "plaintext"
		if tls {
			name = "TLS"
		}
		t.Run(name, func(t *testing.T) {
			server, port, err := service.Start(service.Config{
				Host:     "127.0.0.1",
				UseTLS:   tls,
				CertFile: filepath.Join(peers.testdata, "server1.pem"),
				KeyFile:  filepath.Join(peers.testdata, "server1.key"),
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { serverStop(t, server) })
			for _, c := range serverGoClientCases {
				t.Run(c, func(t *testing.T) { peers.run(t, peers.client, port, tls, c) })
			}
			for _, c := range serverCompressionCases {
				t.Run(c, func(t *testing.T) { peers.run(t, peers.compression, port, tls, c) })
			}
		})
	}
}

// serverPeers are the built grpc-go peer programs.
type serverPeers struct {
	client      string // grpc-go's official interop client
	compression string // testdata/gopeers/compression
	testdata    string // grpc-go's testdata/: server1.pem, server1.key, ca.pem
}

// run runs one case of client against 127.0.0.1:port and fails t with the
// client's output if it fails.
func (p *serverPeers) run(t *testing.T, client string, port int, tls bool, testCase string) {
	t.Helper()
	args := []string{"--server_host=127.0.0.1", "--server_port=" + strconv.Itoa(port), "--test_case=" + testCase}
	if tls {
		args = append(args, "--use_tls=true", "--use_test_ca=true",
			"--ca_file="+filepath.Join(p.testdata, "ca.pem"), "--server_host_override="+serverTLSHost)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, client, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(client), strings.Join(args, " "), err, out)
	}
}

// buildServerPeers builds testdata/gopeers, its own module, into
// t.TempDir(): grpc-go's interop client and the compression client. Fetching
// the modules is what needs the network (the Go module proxy): when it fails
// the test is skipped; a failing build fails it.
func buildServerPeers(t *testing.T) *serverPeers {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("grpc-go peers: no go command in PATH (%v); install Go from go.dev", err)
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "gopeers"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, goCmd, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if err != nil {
			return append(stdout.Bytes(), stderr.Bytes()...), err
		}
		return stdout.Bytes(), nil
	}
	if out, err := run("mod", "download"); err != nil {
		t.Skipf("grpc-go peers: cannot fetch the modules of testdata/gopeers (%v): %s; "+
			"they need the Go module proxy (GOPROXY) or a module cache holding google.golang.org/grpc v1.85.0",
			err, bytes.TrimSpace(out))
	}
	out, err := run("list", "-m", "-f", "{{.Dir}}", "google.golang.org/grpc")
	if err != nil {
		t.Fatalf("go list -m google.golang.org/grpc: %v\n%s", err, out)
	}
	bin := t.TempDir()
	p := &serverPeers{
		client:      filepath.Join(bin, "client"),
		compression: filepath.Join(bin, "compression"),
		testdata:    filepath.Join(string(bytes.TrimSpace(out)), "testdata"),
	}
	if out, err := run("build", "-o", bin+string(filepath.Separator), "google.golang.org/grpc/interop/client", "./compression"); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, out)
	}
	for _, f := range []string{"server1.pem", "server1.key", "ca.pem"} {
		if _, err := os.Stat(filepath.Join(p.testdata, f)); err != nil {
			t.Fatalf("grpc-go's test certificates: %v", err)
		}
	}
	return p
}

// serverStop stops s at once and waits up to 10 seconds for it.
func serverStop(t *testing.T, s *grpc.Server) {
	t.Helper()
	select {
	case <-s.Stop(0):
	case <-time.After(10 * time.Second):
		t.Error("server did not stop")
	}
}

// serverTarget is the address of a server on 127.0.0.1.
func serverTarget(port int) string { return fmt.Sprintf("127.0.0.1:%d", port) }
