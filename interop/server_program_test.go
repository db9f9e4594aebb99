package interop_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
	"github.com/grpcio-go/grpcio/internal/testcerts"
	pb "github.com/grpcio-go/grpcio/interop/grpc_testing"
)

// TestServerProgram checks the interop server program's flags: --port 0
// picks a port, which it prints and writes to --port_file; --use_tls serves
// the given certificate and refuses to start without one; SIGTERM stops it
// with exit status 0 (grpctest.StartServerProgram checks that).
func TestServerProgram(t *testing.T) {
	leakcheck.Check(t)
	bin := filepath.Join(grpctest.BuildPrograms(t, "./server"), "server")
	dir := t.TempDir()

	t.Run("plaintext", func(t *testing.T) {
		portFile := filepath.Join(dir, "port")
		port := grpctest.StartServerProgram(t, "interop server",
			exec.Command(bin, "--port=0", "--host=127.0.0.1", "--port_file="+portFile))
		b, err := os.ReadFile(portFile)
		require.NoError(t, err)
		assert.Equal(t, strconv.Itoa(port)+"\n", string(b), "--port_file")
		ch := grpctest.Dial(t, serverTarget(port))
		serverCheckCalls(t, ch)
	})

	t.Run("TLS", func(t *testing.T) {
		certs := testcerts.New(t)
		cert, key := filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
		require.NoError(t, os.WriteFile(cert, certs.ServerCert, 0o600))
		require.NoError(t, os.WriteFile(key, certs.ServerKey, 0o600))
		port := grpctest.StartServerProgram(t, "interop server",
			exec.Command(bin, "--port=0", "--use_tls", "--tls_cert_file="+cert, "--tls_key_file="+key))
		ch, err := grpc.SecureChannel(serverTarget(port), grpc.SSLChannelCredentials(certs.CA, nil, nil),
			grpc.Options{{"grpc.ssl_target_name_override", serverTLSHost}})
		require.NoError(t, err)
		t.Cleanup(func() { ch.Close() })
		serverCheckCalls(t, ch)
	})

	t.Run("TLSWithoutFiles", func(t *testing.T) {
		for _, args := range [][]string{
			{"--use_tls"},
			{"--use_tls", "--tls_cert_file=server1.pem"},
		} {
			_, stderr := grpctest.RunFailing(t, exec.Command(bin, args...), 2)
			assert.Contains(t, stderr, "--use_tls", "%v", args)
			assert.Contains(t, stderr, "--tls_cert_file and --tls_key_file", "%v", args)
		}
	})

	t.Run("MissingCertificate", func(t *testing.T) {
		_, stderr := grpctest.RunFailing(t, exec.Command(bin, "--use_tls",
			"--tls_cert_file="+filepath.Join(dir, "none.pem"), "--tls_key_file="+filepath.Join(dir, "none.key")), 1)
		assert.True(t, strings.Contains(stderr, "none.pem"), "stderr: %s", stderr)
	})
}

// serverCheckCalls makes an EmptyCall and a UnaryCall on ch.
func serverCheckCalls(t *testing.T, ch *grpc.Channel) {
	t.Helper()
	stub := pb.NewTestServiceStub(ch)
	_, err := stub.EmptyCall.Call(&pb.Empty{}, serverCallTimeout)
	require.NoError(t, err)
	resp, err := stub.UnaryCall.Call(&pb.SimpleRequest{ResponseSize: 314159, Payload: &pb.Payload{Body: make([]byte, 271828)}}, serverCallTimeout)
	require.NoError(t, err)
	assert.Len(t, resp.GetPayload().GetBody(), 314159)
}
