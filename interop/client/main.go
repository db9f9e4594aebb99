// Command client is grpcio-go's gRPC interop test client: what grpcio's
// tests/interop/client.py is for Python, written against grpcio-go's
// synchronous API (package grpc) and the generated grpc.testing stubs.
//
// It runs one test case of grpc's doc/interop-test-descriptions.md per
// invocation, against a TestService server, with the spec's client flags:
//
//	client --server_host=127.0.0.1 --server_port=10000 --test_case=large_unary \
//	    [--use_tls=true --use_test_ca=true --ca_file=ca.pem --server_host_override=foo.test.google.fr]
//
// It exits with status 0 when the case passed, 1 with the reason on
// standard error when it failed, and 2 for bad flags or a case it does not
// run (the cloud-to-prod credential cases and cacheable_unary).
//
// # Cases
//
// empty_unary, large_unary, client_streaming, server_streaming, ping_pong,
// empty_stream, timeout_on_sleeping_server, cancel_after_begin,
// cancel_after_first_response, custom_metadata, status_code_and_message,
// special_status_message, unimplemented_method, unimplemented_service,
// client_compressed_unary, server_compressed_unary,
// client_compressed_streaming, server_compressed_streaming, rpc_soak and
// channel_soak.
//
// # Limits of grpcio's API
//
// grpcio, and so grpcio-go, compresses a client's requests per call
// (compression=), not per message, and does not expose whether a received
// message was compressed. So client_compressed_streaming sends both of its
// messages compressed (the spec wants the second uncompressed), and
// server_compressed_unary and server_compressed_streaming check the
// responses' sizes and contents but not their compressed flags, which the
// spec allows ("if supported by the implementation"). grpcio's client
// exposes no peer address either: the soak cases log the target they
// dialled as the peer. docs/interop.md has the details.
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/grpcio-go/grpcio/grpc"
	pb "github.com/grpcio-go/grpcio/interop/grpc_testing"
)

// testCA is grpc's test CA (src/core/tsi/test_creds/ca.pem, the same file
// as grpc-go's testdata/ca.pem): the roots --use_test_ca trusts when no
// --ca_file is given, as grpcio's interop client falls back on its bundled
// copy (tests/interop/resources.py).
//
//go:embed ca.pem
var testCA []byte

// Exit statuses.
const (
	exitPass        = 0
	exitFail        = 1
	exitUnsupported = 2 // bad flags, or a case this client does not run
)

// clientArgs are the official interop client flags (and the soak flags).
type clientArgs struct {
	serverHost         string
	serverHostOverride string
	serverPort         int
	testCase           string
	useTLS             bool
	useTestCA          bool
	caFile             string
	serviceConfigJSON  string

	// Cloud-to-prod flags: accepted, used by no case this client runs.
	defaultServiceAccount string
	oauthScope            string
	serviceAccountKeyFile string
	useALTS               bool
	customCredentialsType string
	grpclbChildPolicy     string

	soak soakConfig
}

// boolFlags are the flags that take a boolean; "--use_tls true" (a
// separate value, as grpcio's argparse client accepts) is rewritten to
// "--use_tls=true" for Go's flag package.
var boolFlags = map[string]bool{"use_tls": true, "use_test_ca": true, "use_alts": true}

// parseArgs parses the command line (without the program name).
func parseArgs(argv []string, stderr io.Writer) (*clientArgs, error) {
	a := &clientArgs{}
	fs := flag.NewFlagSet("interop_client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&a.serverHost, "server_host", "localhost", "the server host to connect to")
	fs.StringVar(&a.serverHostOverride, "server_host_override", "", "the server name to check the TLS certificate against and send as :authority (default: --server_host)")
	fs.IntVar(&a.serverPort, "server_port", 0, "the server port to connect to (required)")
	fs.StringVar(&a.testCase, "test_case", "large_unary", "the test case to run")
	fs.BoolVar(&a.useTLS, "use_tls", false, "connect with TLS")
	fs.BoolVar(&a.useTestCA, "use_test_ca", false, "trust --ca_file (default: grpc's test ca.pem) instead of the system roots")
	fs.StringVar(&a.caFile, "ca_file", "", "the root certificates --use_test_ca trusts (PEM)")
	fs.StringVar(&a.serviceConfigJSON, "service_config_json", "", "disable service config lookups and use this service config")
	fs.StringVar(&a.defaultServiceAccount, "default_service_account", "", "cloud-to-prod only: accepted and ignored")
	fs.StringVar(&a.oauthScope, "oauth_scope", "", "cloud-to-prod only: accepted and ignored")
	fs.StringVar(&a.serviceAccountKeyFile, "service_account_key_file", "", "cloud-to-prod only: accepted and ignored")
	fs.BoolVar(&a.useALTS, "use_alts", false, "connect with ALTS (not available in grpcio-go)")
	fs.StringVar(&a.customCredentialsType, "custom_credentials_type", "", "cloud-to-prod only (not available in grpcio-go)")
	fs.StringVar(&a.grpclbChildPolicy, "grpc_test_use_grpclb_with_child_policy", "", "use grpclb with this child policy (service config)")
	fs.IntVar(&a.soak.iterations, "soak_iterations", 10, "rpc_soak, channel_soak: the number of RPCs")
	fs.IntVar(&a.soak.maxFailures, "soak_max_failures", 0, "rpc_soak, channel_soak: how many RPCs may fail or be too slow with the case still passing")
	fs.IntVar(&a.soak.maxLatencyMs, "soak_per_iteration_max_acceptable_latency_ms", 1000, "rpc_soak, channel_soak: an RPC slower than this is a failure")
	fs.IntVar(&a.soak.overallTimeoutSeconds, "soak_overall_timeout_seconds", 0, "rpc_soak, channel_soak: stop and fail after this long (default: max latency × iterations)")
	fs.IntVar(&a.soak.minTimeMsBetweenRPCs, "soak_min_time_ms_between_rpcs", 0, "rpc_soak, channel_soak: the least time from the start of one RPC to the start of the next")
	fs.IntVar(&a.soak.numThreads, "soak_num_threads", 1, "rpc_soak, channel_soak: how many goroutines share the iterations")
	if err := fs.Parse(joinBoolValues(argv)); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if a.serverPort <= 0 || a.serverPort > 65535 {
		return nil, errors.New("--server_port is required (1-65535)")
	}
	if a.useALTS {
		return nil, errors.New("--use_alts: grpcio-go has no ALTS credentials yet (grpc.alts_channel_credentials)")
	}
	if a.customCredentialsType != "" {
		return nil, fmt.Errorf("--custom_credentials_type=%s: grpcio-go has no compute engine channel credentials yet", a.customCredentialsType)
	}
	if err := a.soak.validate(); err != nil {
		return nil, err
	}
	return a, nil
}

// joinBoolValues rewrites "--flag true" into "--flag=true" for the boolean
// flags.
func joinBoolValues(argv []string) []string {
	var out []string
	for i := 0; i < len(argv); i++ {
		arg := argv[i]
		name := strings.TrimLeft(arg, "-")
		if strings.HasPrefix(arg, "-") && boolFlags[name] && i+1 < len(argv) {
			if _, err := strconv.ParseBool(argv[i+1]); err == nil {
				out = append(out, arg+"="+argv[i+1])
				i++
				continue
			}
		}
		out = append(out, arg)
	}
	return out
}

// target is the address the channels connect to.
func (a *clientArgs) target() string {
	return net.JoinHostPort(a.serverHost, strconv.Itoa(a.serverPort))
}

// dial creates a channel as grpcio's client.py _create_channel does: a
// secure channel with ssl_channel_credentials (and
// grpc.ssl_target_name_override) under --use_tls, else an insecure one.
func (a *clientArgs) dial() (*grpc.Channel, error) {
	var opts grpc.Options
	if a.serviceConfigJSON != "" {
		opts = append(opts, grpc.Option{Key: "grpc.service_config", Value: a.serviceConfigJSON},
			grpc.Option{Key: "grpc.service_config_disable_resolution", Value: 1})
	} else if a.grpclbChildPolicy != "" {
		opts = append(opts, grpc.Option{Key: "grpc.service_config", Value: fmt.Sprintf(
			`{"loadBalancingConfig": [{"grpclb": {"childPolicy": [{%q: {}}]}}]}`, a.grpclbChildPolicy)})
	}
	if !a.useTLS {
		if a.serverHostOverride != "" {
			opts = append(opts, grpc.Option{Key: "grpc.default_authority", Value: a.serverHostOverride})
		}
		return grpc.InsecureChannel(a.target(), opts)
	}
	var roots []byte // nil: C-core's default roots
	if a.useTestCA {
		roots = testCA
		if a.caFile != "" {
			b, err := os.ReadFile(a.caFile)
			if err != nil {
				return nil, fmt.Errorf("--ca_file: %w", err)
			}
			roots = b
		}
	}
	if a.serverHostOverride != "" {
		// C-core also sends it as :authority.
		opts = append(opts, grpc.Option{Key: "grpc.ssl_target_name_override", Value: a.serverHostOverride})
	}
	return grpc.SecureChannel(a.target(), grpc.SSLChannelCredentials(roots, nil, nil), opts)
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run parses argv, runs the test case and returns the exit status.
func run(argv []string, stdout, stderr io.Writer) int {
	a, err := parseArgs(argv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitPass
	}
	if err != nil {
		fmt.Fprintf(stderr, "interop client: %v\n", err)
		return exitUnsupported
	}
	tc, ok := testCases[a.testCase]
	if !ok {
		if why, known := unsupportedCases[a.testCase]; known {
			fmt.Fprintf(stderr, "interop client: test case %q is not run by grpcio-go's client: %s\n", a.testCase, why)
		} else {
			fmt.Fprintf(stderr, "interop client: no test case %q; the cases are: %s\n", a.testCase, strings.Join(caseNames(), ", "))
		}
		return exitUnsupported
	}
	ch, err := a.dial()
	if err != nil {
		fmt.Fprintf(stderr, "%s: FAILED: creating the channel: %v\n", a.testCase, err)
		return exitFail
	}
	defer ch.Close()
	c := &interopClient{args: a, ch: ch, stub: pb.NewTestServiceStub(ch), log: stderr}
	if err := tc(c); err != nil {
		fmt.Fprintf(stderr, "%s: FAILED: %v\n", a.testCase, err)
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: passed\n", a.testCase)
	return exitPass
}
