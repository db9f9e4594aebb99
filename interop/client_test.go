// Package interop_test runs grpcio-go's interop programs against
// independent implementations, as grpc's interop matrix does.
//
// The client role (client_test.go): interop/client, built with the race
// detector, runs the spec's cases against grpc-go's official interop server
// (plaintext and TLS), the compression cases against the shared harness's
// goserver, and every case against grpcio-go's own interop server once
// interop/server exists. Peers that cannot be built here are skipped with
// the reason.
package interop_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// clientCoreCases are the spec's cases that need no cloud credentials and
// no compression support from the server, plus the soak cases.
var clientCoreCases = []string{
	"empty_unary", "large_unary", "client_streaming", "server_streaming", "ping_pong", "empty_stream",
	"timeout_on_sleeping_server", "cancel_after_begin", "cancel_after_first_response", "custom_metadata",
	"status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service",
	"rpc_soak", "channel_soak",
}

// clientCompressionCases need a server that checks expect_compressed and
// compresses responses on request.
var clientCompressionCases = []string{
	"client_compressed_unary", "server_compressed_unary", "client_compressed_streaming", "server_compressed_streaming",
}

// TestClientAgainstGrpcGoServer runs the core and soak cases against
// grpc-go's official interop server, plaintext and TLS.
func TestClientAgainstGrpcGoServer(t *testing.T) {
	leakcheck.Check(t)
	g := buildClientGrpcGo(t)
	client := buildInteropClient(t)

	t.Run("plaintext", func(t *testing.T) {
		port := startClientPeerServer(t, "grpc-go interop server", g.server)
		runClientCases(t, client, port, clientCoreCases)
	})
	t.Run("tls", func(t *testing.T) {
		port := startClientPeerServer(t, "grpc-go interop server (TLS)", g.server, g.serverTLSFlags()...)
		runClientCases(t, client, port, clientCoreCases, g.clientTLSFlags()...)
	})
}

// TestClientDetectsFailures checks that failures fail: the official server
// does not check request compression, so the compression probe must fail
// the case; and TLS must check the server's name.
func TestClientDetectsFailures(t *testing.T) {
	leakcheck.Check(t)
	g := buildClientGrpcGo(t)
	client := buildInteropClient(t)

	t.Run("CompressionProbeNotRejected", func(t *testing.T) {
		port := startClientPeerServer(t, "grpc-go interop server", g.server)
		for _, c := range []string{"client_compressed_unary", "client_compressed_streaming"} {
			code, out := clientRun(t, client, clientCaseArgs(port, c)...)
			if code != 1 || !strings.Contains(out, "the server does not check request compression") {
				t.Errorf("%s against a server that does not check compression: exit status %d, want 1 with the reason\n%s", c, code, out)
			}
		}
	})
	t.Run("WrongServerName", func(t *testing.T) {
		port := startClientPeerServer(t, "grpc-go interop server (TLS)", g.server, g.serverTLSFlags()...)
		args := clientCaseArgs(port, "empty_unary", "--use_tls=true", "--use_test_ca=true",
			"--ca_file="+g.testdata("ca.pem"), "--server_host_override=wrong.example.com")
		code, out := clientRun(t, client, args...)
		if code != 1 || !strings.Contains(out, "wrong.example.com") {
			t.Errorf("TLS with a name the certificate does not hold: exit status %d, want 1 naming it\n%s", code, out)
		}
	})
	t.Run("EmbeddedTestCA", func(t *testing.T) {
		// --use_test_ca without --ca_file trusts grpc's test ca.pem, as
		// grpcio's client does with its bundled copy.
		port := startClientPeerServer(t, "grpc-go interop server (TLS)", g.server, g.serverTLSFlags()...)
		args := clientCaseArgs(port, "large_unary", "--use_tls", "true", "--use_test_ca", "true",
			"--server_host_override="+clientHostOverride)
		if code, out := clientRun(t, client, args...); code != 0 {
			t.Errorf("exit status %d, want 0\n%s", code, out)
		}
	})
}

// TestClientCompressionCases runs the compression cases against the
// harness's goserver, which checks expect_compressed per message and
// compresses responses on request, plaintext and TLS.
func TestClientCompressionCases(t *testing.T) {
	leakcheck.Check(t)
	goserver := buildClientHarnessGoServer(t)
	g := buildClientGrpcGo(t) // for the certificates
	client := buildInteropClient(t)

	t.Run("plaintext", func(t *testing.T) {
		port := startClientPeerServer(t, "harness goserver", goserver, "--host=127.0.0.1")
		runClientCases(t, client, port, clientCompressionCases)
	})
	t.Run("tls", func(t *testing.T) {
		port := startClientPeerServer(t, "harness goserver (TLS)", goserver, append([]string{"--host=127.0.0.1"}, g.serverTLSFlags()...)...)
		runClientCases(t, client, port, clientCompressionCases, g.clientTLSFlags()...)
	})
}

// TestClientUsage checks the exit status 2 cases: flags and cases the
// client does not run.
func TestClientUsage(t *testing.T) {
	leakcheck.Check(t)
	client := buildInteropClient(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--test_case=empty_unary"}, "--server_port is required"},
		{[]string{"--server_port=1", "--test_case=no_such_case"}, `no test case "no_such_case"`},
		{[]string{"--server_port=1", "--test_case=compute_engine_creds", "--default_service_account=x@example.com"}, "cloud-to-prod only"},
		{[]string{"--server_port=1", "--test_case=cacheable_unary"}, "caching proxy"},
		{[]string{"--server_port=1", "--use_alts=true"}, "ALTS"},
		{[]string{"--server_port=1", "--test_case=rpc_soak", "--soak_num_threads=0"}, "--soak_num_threads must be positive"},
	} {
		code, out := clientRun(t, client, tc.args...)
		if code != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("interop_client %s: exit status %d, want 2 with %q\n%s", strings.Join(tc.args, " "), code, tc.want, out)
		}
	}
}

// TestClientAgainstOwnServer runs every case against grpcio-go's own
// interop server (interop/server, the server role), plaintext and TLS,
// started with the spec's server flags (--port, --use_tls) and grpc-go's
// --tls_cert_file/--tls_key_file.
func TestClientAgainstOwnServer(t *testing.T) {
	leakcheck.Check(t)
	if _, err := os.Stat(filepath.Join("server", "main.go")); err != nil {
		t.Skipf("grpcio-go's interop server (interop/server) is not in the tree yet: %v", err)
	}
	g := buildClientGrpcGo(t) // for the certificates
	client := buildInteropClient(t)
	server := filepath.Join(t.TempDir(), "interop_server")
	grpctest.Run(t, exec.Command("go", "build", "-o", server, "./server"))
	cases := append(append([]string(nil), clientCoreCases...), clientCompressionCases...)
	t.Run("plaintext", func(t *testing.T) {
		port := startClientPeerServer(t, "grpcio-go interop server", server, "--host=127.0.0.1")
		runClientCases(t, client, port, cases)
	})
	t.Run("tls", func(t *testing.T) {
		port := startClientPeerServer(t, "grpcio-go interop server (TLS)", server, append([]string{"--host=127.0.0.1"}, g.serverTLSFlags()...)...)
		runClientCases(t, client, port, cases, g.clientTLSFlags()...)
	})
}
