// Command compression runs the four compression interop cases
// (client_compressed_unary, client_compressed_streaming,
// server_compressed_unary, server_compressed_streaming of
// doc/interop-test-descriptions.md) with grpc-go, whose official interop
// client does not implement them. It takes the official client's flags and
// exits non-zero, saying why, when a case fails.
//
// It sees compression on the wire through its own "gzip" compressor, which
// replaces grpc-go's and counts its calls: grpc-go calls Decompress once per
// received message whose compressed flag is set, and Compress once per sent
// message it compresses. One RPC runs at a time, so the counts are per RPC.
//
// grpc-go compresses per call, not per message: in client_compressed_streaming
// the message with expect_compressed=false goes compressed too, which the
// spec allows (servers only check expect_compressed=true).
package main

import (
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding"
	testgrpc "google.golang.org/grpc/interop/grpc_testing"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
)

var (
	serverHost   = flag.String("server_host", "localhost", "the server host")
	serverPort   = flag.Int("server_port", 10000, "the server port")
	testCase     = flag.String("test_case", "", "the case to run")
	useTLS       = flag.Bool("use_tls", false, "connect with TLS")
	useTestCA    = flag.Bool("use_test_ca", false, "trust --ca_file instead of the system roots")
	caFile       = flag.String("ca_file", "", "the test CA (ca.pem)")
	hostOverride = flag.String("server_host_override", "", "the server name TLS checks")
)

// counting is a gzip compressor that counts the messages it handles.
type counting struct{ compressed, decompressed atomic.Int64 }

func (c *counting) Name() string { return "gzip" }

func (c *counting) Compress(w io.Writer) (io.WriteCloser, error) {
	c.compressed.Add(1)
	return gzip.NewWriter(w), nil
}

func (c *counting) Decompress(r io.Reader) (io.Reader, error) {
	c.decompressed.Add(1)
	return gzip.NewReader(r)
}

// reset zeroes the counts before an RPC.
func (c *counting) reset() { c.compressed.Store(0); c.decompressed.Store(0) }

var gz = &counting{}

func init() { encoding.RegisterCompressor(gz) }

func main() {
	flag.Parse()
	creds := insecure.NewCredentials()
	if *useTLS {
		if !*useTestCA {
			creds = credentials.NewClientTLSFromCert(nil, *hostOverride)
		} else {
			var err error
			if creds, err = credentials.NewClientTLSFromFile(*caFile, *hostOverride); err != nil {
				fail("--ca_file: %v", err)
			}
		}
	}
	conn, err := grpc.NewClient(net.JoinHostPort(*serverHost, strconv.Itoa(*serverPort)), grpc.WithTransportCredentials(creds))
	if err != nil {
		fail("NewClient: %v", err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tc := testgrpc.NewTestServiceClient(conn)
	cases := map[string]func(context.Context, testgrpc.TestServiceClient) error{
		"client_compressed_unary":     clientCompressedUnary,
		"client_compressed_streaming": clientCompressedStreaming,
		"server_compressed_unary":     serverCompressedUnary,
		"server_compressed_streaming": serverCompressedStreaming,
	}
	run, ok := cases[*testCase]
	if !ok {
		fail("unsupported --test_case %q", *testCase)
	}
	if err := run(ctx, tc); err != nil {
		fail("%s: %v", *testCase, err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "compression: "+format+"\n", args...)
	os.Exit(1)
}

func zeros(n int) *testpb.Payload {
	return &testpb.Payload{Type: testpb.PayloadType_COMPRESSABLE, Body: make([]byte, n)}
}

func wantInvalidArgument(what string, err error) error {
	if status.Code(err) != codes.InvalidArgument {
		return fmt.Errorf("%s: got %v, want INVALID_ARGUMENT (the server must check expect_compressed)", what, err)
	}
	return nil
}

func clientCompressedUnary(ctx context.Context, tc testgrpc.TestServiceClient) error {
	req := func(expect bool) *testpb.SimpleRequest {
		return &testpb.SimpleRequest{
			ExpectCompressed: &testpb.BoolValue{Value: expect},
			ResponseType:     testpb.PayloadType_COMPRESSABLE,
			ResponseSize:     314159,
			Payload:          zeros(271828),
		}
	}
	_, err := tc.UnaryCall(ctx, req(true))
	if err := wantInvalidArgument("probe, uncompressed", err); err != nil {
		return err
	}
	for _, compress := range []bool{true, false} {
		var opts []grpc.CallOption
		if compress {
			opts = append(opts, grpc.UseCompressor("gzip"))
		}
		gz.reset()
		resp, err := tc.UnaryCall(ctx, req(compress), opts...)
		if err != nil {
			return fmt.Errorf("expect_compressed=%v: %v", compress, err)
		}
		if sent := gz.compressed.Load() == 1; sent != compress {
			return fmt.Errorf("expect_compressed=%v: this client compressed %d requests", compress, gz.compressed.Load())
		}
		if n := len(resp.GetPayload().GetBody()); n != 314159 {
			return fmt.Errorf("expect_compressed=%v: response of %d bytes, want 314159", compress, n)
		}
	}
	return nil
}

func clientCompressedStreaming(ctx context.Context, tc testgrpc.TestServiceClient) error {
	probe, err := tc.StreamingInputCall(ctx)
	if err != nil {
		return err
	}
	if err := probe.Send(&testpb.StreamingInputCallRequest{ExpectCompressed: &testpb.BoolValue{Value: true}, Payload: zeros(27182)}); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("probe: %v", err)
	}
	_, err = probe.CloseAndRecv()
	if err := wantInvalidArgument("probe, uncompressed", err); err != nil {
		return err
	}
	gz.reset()
	stream, err := tc.StreamingInputCall(ctx, grpc.UseCompressor("gzip"))
	if err != nil {
		return err
	}
	for _, r := range []*testpb.StreamingInputCallRequest{
		{ExpectCompressed: &testpb.BoolValue{Value: true}, Payload: zeros(27182)},
		{ExpectCompressed: &testpb.BoolValue{Value: false}, Payload: zeros(45904)},
	} {
		if err := stream.Send(r); err != nil {
			_, st := stream.CloseAndRecv()
			return fmt.Errorf("send: %v (status %v)", err, st)
		}
	}
	resp, err := stream.CloseAndRecv()
	if err != nil {
		return err
	}
	if n := gz.compressed.Load(); n != 2 {
		return fmt.Errorf("this client compressed %d requests, want 2", n)
	}
	if got := resp.GetAggregatedPayloadSize(); got != 73086 {
		return fmt.Errorf("aggregated_payload_size %d, want 73086", got)
	}
	return nil
}

func serverCompressedUnary(ctx context.Context, tc testgrpc.TestServiceClient) error {
	for _, compressed := range []bool{true, false} {
		gz.reset()
		resp, err := tc.UnaryCall(ctx, &testpb.SimpleRequest{
			ResponseCompressed: &testpb.BoolValue{Value: compressed},
			ResponseType:       testpb.PayloadType_COMPRESSABLE,
			ResponseSize:       314159,
			Payload:            zeros(271828),
		})
		if err != nil {
			return fmt.Errorf("response_compressed=%v: %v", compressed, err)
		}
		if got := gz.decompressed.Load() == 1; got != compressed {
			return fmt.Errorf("response_compressed=%v: %d compressed responses", compressed, gz.decompressed.Load())
		}
		if n := len(resp.GetPayload().GetBody()); n != 314159 {
			return fmt.Errorf("response_compressed=%v: response of %d bytes, want 314159", compressed, n)
		}
	}
	return nil
}

func serverCompressedStreaming(ctx context.Context, tc testgrpc.TestServiceClient) error {
	stream, err := tc.StreamingOutputCall(ctx, &testpb.StreamingOutputCallRequest{
		ResponseType: testpb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*testpb.ResponseParameters{
			{Compressed: &testpb.BoolValue{Value: true}, Size: 31415},
			{Compressed: &testpb.BoolValue{Value: false}, Size: 92653},
		},
	})
	if err != nil {
		return err
	}
	for i, want := range []struct {
		size       int
		compressed bool
	}{{31415, true}, {92653, false}} {
		gz.reset()
		resp, err := stream.Recv()
		if err != nil {
			return fmt.Errorf("response %d: %v", i, err)
		}
		if n := len(resp.GetPayload().GetBody()); n != want.size {
			return fmt.Errorf("response %d: %d bytes, want %d", i, n, want.size)
		}
		if got := gz.decompressed.Load() == 1; got != want.compressed {
			return fmt.Errorf("response %d: compressed=%v, want %v", i, got, want.compressed)
		}
	}
	if _, err := stream.Recv(); err != io.EOF {
		return fmt.Errorf("after the two responses: %v, want the end of the stream", err)
	}
	return nil
}
