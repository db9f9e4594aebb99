package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/grpcio-go/grpcio/grpc"
	pb "github.com/grpcio-go/grpcio/interop/grpc_testing"
)

// interopClient is what a test case runs with: grpcio's client.py hands its
// methods.py cases the stub (and the parsed arguments).
type interopClient struct {
	args *clientArgs
	ch   *grpc.Channel
	stub *pb.TestServiceStub
	log  io.Writer // soak iterations and summaries
}

// callTimeout bounds every RPC of the cases that are not about deadlines,
// so that a server that never answers fails the case instead of hanging it.
// The soak cases set no per-RPC deadline, as the spec asks.
const callTimeout = 30 * time.Second

// testCases are the cases this client runs, by --test_case name: grpcio's
// methods.TestCase, plus the compression and soak cases it lacks.
var testCases = map[string]func(*interopClient) error{
	"empty_unary":                 emptyUnary,
	"large_unary":                 largeUnary,
	"client_streaming":            clientStreaming,
	"server_streaming":            serverStreaming,
	"ping_pong":                   pingPong,
	"empty_stream":                emptyStream,
	"timeout_on_sleeping_server":  timeoutOnSleepingServer,
	"cancel_after_begin":          cancelAfterBegin,
	"cancel_after_first_response": cancelAfterFirstResponse,
	"custom_metadata":             customMetadata,
	"status_code_and_message":     statusCodeAndMessage,
	"special_status_message":      specialStatusMessage,
	"unimplemented_method":        unimplementedMethod,
	"unimplemented_service":       unimplementedService,
	"client_compressed_unary":     clientCompressedUnary,
	"server_compressed_unary":     serverCompressedUnary,
	"client_compressed_streaming": clientCompressedStreaming,
	"server_compressed_streaming": serverCompressedStreaming,
	"rpc_soak":                    func(c *interopClient) error { return c.soak(false) },
	"channel_soak":                func(c *interopClient) error { return c.soak(true) },
}

// unsupportedCases are the spec's other client cases, with why this client
// does not run them.
var unsupportedCases = map[string]string{
	"cacheable_unary":                    "it needs a caching proxy and the cacheable (GET) request flag, which grpcio does not expose",
	"compute_engine_creds":               "cloud-to-prod only: it needs GCE credentials (metadata_call_credentials, not in grpcio-go yet)",
	"jwt_token_creds":                    "cloud-to-prod only: it needs a service account key and JWT credentials",
	"oauth2_auth_token":                  "cloud-to-prod only: it needs an OAuth2 token from Google's auth library",
	"per_rpc_creds":                      "cloud-to-prod only: it needs a service account key and JWT credentials",
	"google_default_credentials":         "cloud-to-prod only: it needs Google default credentials",
	"compute_engine_channel_credentials": "cloud-to-prod only: it needs compute engine channel credentials on GCP",
	"orca_per_rpc":                       "it needs a custom load-balancing policy, which grpcio cannot register",
	"orca_oob":                           "it needs a custom load-balancing policy, which grpcio cannot register",
}

// caseNames lists the cases this client runs, sorted.
func caseNames() []string {
	var names []string
	for n := range testCases {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// The spec's sizes.
const (
	largeRequestSize  = 271828
	largeResponseSize = 314159
)

var (
	// streamingRequestSizes are client_streaming's and ping_pong's request
	// payloads; their sum is 74922.
	streamingRequestSizes = []int{27182, 8, 1828, 45904}
	// streamingResponseSizes are server_streaming's and ping_pong's
	// response payloads.
	streamingResponseSizes = []int{31415, 9, 2653, 58979}
)

// The custom_metadata keys and values.
const (
	echoInitialKey    = "x-grpc-test-echo-initial"
	echoInitialValue  = "test_initial_metadata_value"
	echoTrailingKey   = "x-grpc-test-echo-trailing-bin"
	echoTrailingValue = "\xab\xab\xab"
)

// payload is a COMPRESSABLE payload of n zero bytes.
func payload(n int) *pb.Payload {
	return &pb.Payload{Type: pb.PayloadType_COMPRESSABLE, Body: make([]byte, n)}
}

// checkPayload checks that p is COMPRESSABLE and its body size zero bytes
// (grpcio's _validate_payload_type_and_length, and the zeros the spec lets
// clients check).
func checkPayload(p *pb.Payload, size int) error {
	if t := p.GetType(); t != pb.PayloadType_COMPRESSABLE {
		return fmt.Errorf("response payload type %v, want COMPRESSABLE", t)
	}
	body := p.GetBody()
	if len(body) != size {
		return fmt.Errorf("response payload body is %d bytes, want %d", len(body), size)
	}
	for i, b := range body {
		if b != 0 {
			return fmt.Errorf("response payload byte %d is %#x, want zero", i, b)
		}
	}
	return nil
}

// largeUnaryRequest is large_unary's request.
func largeUnaryRequest() *pb.SimpleRequest {
	return &pb.SimpleRequest{
		ResponseType: pb.PayloadType_COMPRESSABLE,
		ResponseSize: largeResponseSize,
		Payload:      payload(largeRequestSize),
	}
}

// expectStatus checks that err is a *grpc.RpcError with code and, unless
// details is nil, exactly *details.
func expectStatus(what string, err error, code grpc.StatusCode, details *string) error {
	if err == nil {
		return fmt.Errorf("%s succeeded, want status %s", what, code.Name())
	}
	var e *grpc.RpcError
	if !errors.As(err, &e) {
		return fmt.Errorf("%s: %v, want status %s", what, err, code.Name())
	}
	if e.Code() != code {
		return fmt.Errorf("%s ended with %s %q, want %s", what, e.Code().Name(), e.Details(), code.Name())
	}
	if details != nil && e.Details() != *details {
		return fmt.Errorf("%s: status details %q, want %q", what, e.Details(), *details)
	}
	return nil
}

// rpcFailed describes an RPC that should have succeeded.
func rpcFailed(what string, err error) error {
	var e *grpc.RpcError
	if errors.As(err, &e) {
		return fmt.Errorf("%s failed: %s %q", what, e.Code().Name(), e.Details())
	}
	return fmt.Errorf("%s failed: %v", what, err)
}

// readAll reads a response stream to its end and returns the responses, or
// the RPC's error.
func readAll(it *grpc.ResponseIterator[*pb.StreamingOutputCallResponse]) ([]*pb.StreamingOutputCallResponse, error) {
	var rs []*pb.StreamingOutputCallResponse
	for r, err := range it.All() {
		if err != nil {
			return rs, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

// checkStreamSizes checks a response stream's payloads against sizes.
func checkStreamSizes(rs []*pb.StreamingOutputCallResponse, sizes []int) error {
	if len(rs) != len(sizes) {
		got := make([]int, len(rs))
		for i, r := range rs {
			got[i] = len(r.GetPayload().GetBody())
		}
		return fmt.Errorf("%d responses of sizes %v, want %d of sizes %v", len(rs), got, len(sizes), sizes)
	}
	for i, r := range rs {
		if err := checkPayload(r.GetPayload(), sizes[i]); err != nil {
			return fmt.Errorf("response %d: %w", i, err)
		}
	}
	return nil
}

// emptyUnary: EmptyCall with the empty message gets a non-nil empty one.
func emptyUnary(c *interopClient) error {
	resp, err := c.stub.EmptyCall.Call(&pb.Empty{}, grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("EmptyCall", err)
	}
	if resp == nil {
		return errors.New("EmptyCall returned a nil response")
	}
	if n := proto.Size(resp); n != 0 {
		return fmt.Errorf("EmptyCall's response is %d bytes, want an empty message", n)
	}
	return nil
}

// largeUnary: 271828 zero bytes out, 314159 back.
func largeUnary(c *interopClient) error {
	resp, err := c.stub.UnaryCall.Call(largeUnaryRequest(), grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("UnaryCall", err)
	}
	return checkPayload(resp.GetPayload(), largeResponseSize)
}

// clientStreaming: four requests, whose payload sizes the server sums.
func clientStreaming(c *interopClient) error {
	var reqs []*pb.StreamingInputCallRequest
	for _, n := range streamingRequestSizes {
		reqs = append(reqs, &pb.StreamingInputCallRequest{Payload: payload(n)})
	}
	resp, err := c.stub.StreamingInputCall.Call(slices.Values(reqs), grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("StreamingInputCall", err)
	}
	if got := resp.GetAggregatedPayloadSize(); got != 74922 {
		return fmt.Errorf("aggregated_payload_size %d, want 74922", got)
	}
	return nil
}

// serverStreaming: one request, exactly four responses of the asked sizes.
func serverStreaming(c *interopClient) error {
	req := &pb.StreamingOutputCallRequest{ResponseType: pb.PayloadType_COMPRESSABLE}
	for _, n := range streamingResponseSizes {
		req.ResponseParameters = append(req.ResponseParameters, &pb.ResponseParameters{Size: int32(n)})
	}
	it, err := c.stub.StreamingOutputCall.Call(req, grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("StreamingOutputCall", err)
	}
	rs, err := readAll(it)
	if err != nil {
		return rpcFailed(fmt.Sprintf("StreamingOutputCall (after %d responses)", len(rs)), err)
	}
	return checkStreamSizes(rs, streamingResponseSizes)
}

// pingPong: four request/response round trips on one FullDuplexCall, each
// request sent after the previous response came, then a half-close and an
// OK status with no further response.
func pingPong(c *interopClient) error {
	p := newRequestPipe[*pb.StreamingOutputCallRequest]()
	defer p.Close()
	it, err := c.stub.FullDuplexCall.Call(p.Seq(), grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("FullDuplexCall", err)
	}
	for i, size := range streamingResponseSizes {
		p.Add(&pb.StreamingOutputCallRequest{
			ResponseType:       pb.PayloadType_COMPRESSABLE,
			ResponseParameters: []*pb.ResponseParameters{{Size: int32(size)}},
			Payload:            payload(streamingRequestSizes[i]),
		})
		r, err := it.Next()
		if err == io.EOF {
			return fmt.Errorf("the response stream ended after %d responses, want 4", i)
		}
		if err != nil {
			return rpcFailed(fmt.Sprintf("FullDuplexCall (round trip %d)", i+1), err)
		}
		if err := checkPayload(r.GetPayload(), size); err != nil {
			return fmt.Errorf("response %d: %w", i, err)
		}
	}
	p.Close()
	if _, err := it.Next(); err == nil {
		return errors.New("a fifth response came after the half-close, want exactly 4")
	} else if err != io.EOF {
		return rpcFailed("FullDuplexCall (after the half-close)", err)
	}
	return nil
}

// emptyStream: a FullDuplexCall that half-closes at once gets no response
// and an OK status.
func emptyStream(c *interopClient) error {
	it, err := c.stub.FullDuplexCall.Call(slices.Values([]*pb.StreamingOutputCallRequest(nil)), grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("FullDuplexCall", err)
	}
	rs, err := readAll(it)
	if err != nil {
		return rpcFailed("FullDuplexCall", err)
	}
	if len(rs) != 0 {
		return fmt.Errorf("%d responses, want 0", len(rs))
	}
	return nil
}

// timeoutOnSleepingServer: a FullDuplexCall with a 1 ms timeout, whose
// request asks for no response, ends with DEADLINE_EXCEEDED.
func timeoutOnSleepingServer(c *interopClient) error {
	p := newRequestPipe[*pb.StreamingOutputCallRequest]()
	defer p.Close()
	it, err := c.stub.FullDuplexCall.Call(p.Seq(), grpc.Timeout(time.Millisecond))
	if err != nil {
		return rpcFailed("FullDuplexCall", err)
	}
	p.Add(&pb.StreamingOutputCallRequest{ResponseType: pb.PayloadType_COMPRESSABLE, Payload: payload(27182)})
	_, err = it.Next()
	if err == io.EOF {
		return errors.New("FullDuplexCall ended OK, want DEADLINE_EXCEEDED")
	}
	return expectStatus("FullDuplexCall with a 1ms timeout", err, grpc.DeadlineExceeded, nil)
}

// cancelAfterBegin: a StreamingInputCall cancelled before any request is
// sent ends with CANCELLED (grpcio's client uses its future).
func cancelAfterBegin(c *interopClient) error {
	p := newRequestPipe[*pb.StreamingInputCallRequest]()
	defer p.Close()
	f := c.stub.StreamingInputCall.Future(p.Seq(), grpc.Timeout(callTimeout))
	if !f.Cancel() {
		return fmt.Errorf("Cancel reported false: the RPC had already ended with %s %q", f.Code().Name(), f.Details())
	}
	if !f.Cancelled() {
		return errors.New("the future does not report itself cancelled")
	}
	if code := f.Code(); code != grpc.Cancelled {
		return fmt.Errorf("status %s %q, want CANCELLED", code.Name(), f.Details())
	}
	if _, err := f.Result(-1); !errors.Is(err, grpc.FutureCancelledError) {
		return fmt.Errorf("Result: %v, want FutureCancelledError", err)
	}
	return nil
}

// cancelAfterFirstResponse: a FullDuplexCall cancelled after its first
// response ends with CANCELLED.
func cancelAfterFirstResponse(c *interopClient) error {
	p := newRequestPipe[*pb.StreamingOutputCallRequest]()
	defer p.Close()
	it, err := c.stub.FullDuplexCall.Call(p.Seq(), grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("FullDuplexCall", err)
	}
	p.Add(&pb.StreamingOutputCallRequest{
		ResponseType:       pb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*pb.ResponseParameters{{Size: 31415}},
		Payload:            payload(27182),
	})
	r, err := it.Next()
	if err == io.EOF {
		return errors.New("the response stream ended before its first response")
	}
	if err != nil {
		return rpcFailed("FullDuplexCall (first response)", err)
	}
	if err := checkPayload(r.GetPayload(), 31415); err != nil {
		return fmt.Errorf("first response: %w", err)
	}
	if !it.Cancel() {
		return fmt.Errorf("Cancel reported false: the RPC had already ended with %s %q", it.Code().Name(), it.Details())
	}
	_, err = it.Next()
	if err == io.EOF {
		return errors.New("the cancelled call ended OK, want CANCELLED")
	}
	if err := expectStatus("the cancelled FullDuplexCall", err, grpc.Cancelled, nil); err != nil {
		return err
	}
	if code := it.Code(); code != grpc.Cancelled {
		return fmt.Errorf("Code() is %s, want CANCELLED", code.Name())
	}
	return nil
}

// echoMetadata is what custom_metadata sends.
var echoMetadata = grpc.Metadata{
	{Key: echoInitialKey, Value: echoInitialValue},
	{Key: echoTrailingKey, Value: echoTrailingValue},
}

// checkEcho checks that the initial metadata holds exactly one
// echoInitialKey with its value, and the trailing metadata exactly one
// echoTrailingKey with its value.
func checkEcho(what string, initial, trailing grpc.Metadata) error {
	if got := values(initial, echoInitialKey); !slices.Equal(got, []string{echoInitialValue}) {
		return fmt.Errorf("%s: initial metadata %s = %q, want [%q] (all initial metadata: %q)", what, echoInitialKey, got, echoInitialValue, initial)
	}
	if got := values(trailing, echoTrailingKey); !slices.Equal(got, []string{echoTrailingValue}) {
		return fmt.Errorf("%s: trailing metadata %s = %q, want [%q] (all trailing metadata: %q)", what, echoTrailingKey, got, echoTrailingValue, trailing)
	}
	return nil
}

// values returns md's values for key, in order.
func values(md grpc.Metadata, key string) []string {
	var vs []string
	for _, m := range md {
		if m.Key == key {
			vs = append(vs, m.Value)
		}
	}
	return vs
}

// customMetadata: the server echoes an ASCII key in its initial metadata and
// a binary one in its trailing metadata, on UnaryCall and FullDuplexCall.
func customMetadata(c *interopClient) error {
	resp, call, err := c.stub.UnaryCall.WithCall(largeUnaryRequest(), grpc.WithMetadata(echoMetadata), grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("UnaryCall", err)
	}
	if err := checkPayload(resp.GetPayload(), largeResponseSize); err != nil {
		return fmt.Errorf("UnaryCall: %w", err)
	}
	if err := checkEcho("UnaryCall", call.InitialMetadata(), call.TrailingMetadata()); err != nil {
		return err
	}

	req := &pb.StreamingOutputCallRequest{
		ResponseType:       pb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*pb.ResponseParameters{{Size: largeResponseSize}},
		Payload:            payload(largeRequestSize),
	}
	it, err := c.stub.FullDuplexCall.Call(slices.Values([]*pb.StreamingOutputCallRequest{req}),
		grpc.WithMetadata(echoMetadata), grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("FullDuplexCall", err)
	}
	initial := it.InitialMetadata()
	rs, err := readAll(it)
	if err != nil {
		return rpcFailed("FullDuplexCall", err)
	}
	if err := checkStreamSizes(rs, []int{largeResponseSize}); err != nil {
		return fmt.Errorf("FullDuplexCall: %w", err)
	}
	return checkEcho("FullDuplexCall", initial, it.TrailingMetadata())
}

// echoStatus checks that UnaryCall, and if duplex FullDuplexCall, asked to
// end with UNKNOWN and msg, do.
func echoStatus(c *interopClient, msg string, duplex bool) error {
	st := &pb.EchoStatus{Code: int32(grpc.Unknown.Value()), Message: msg}
	_, err := c.stub.UnaryCall.Call(&pb.SimpleRequest{ResponseStatus: st}, grpc.Timeout(callTimeout))
	if err := expectStatus("UnaryCall", err, grpc.Unknown, &msg); err != nil {
		return err
	}
	if !duplex {
		return nil
	}
	it, err := c.stub.FullDuplexCall.Call(slices.Values([]*pb.StreamingOutputCallRequest{{ResponseStatus: st}}), grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("FullDuplexCall", err)
	}
	rs, err := readAll(it)
	if err == nil {
		return fmt.Errorf("FullDuplexCall ended OK after %d responses, want UNKNOWN", len(rs))
	}
	if err := expectStatus("FullDuplexCall", err, grpc.Unknown, &msg); err != nil {
		return err
	}
	if it.Code() != grpc.Unknown || it.Details() != msg {
		return fmt.Errorf("FullDuplexCall: Code() and Details() are %s %q, want UNKNOWN %q", it.Code().Name(), it.Details(), msg)
	}
	return nil
}

// statusCodeAndMessage: the server ends UnaryCall and FullDuplexCall with
// the status the request asks for.
func statusCodeAndMessage(c *interopClient) error {
	return echoStatus(c, "test status message", true)
}

// specialStatusMessage: whitespace and Unicode in status details survive.
func specialStatusMessage(c *interopClient) error {
	return echoStatus(c, "\t\ntest with whitespace\r\nand Unicode BMP \u263a and non-BMP \U0001f608\t\n", false)
}

// unimplementedMethod: TestService/UnimplementedCall ends with
// UNIMPLEMENTED.
func unimplementedMethod(c *interopClient) error {
	_, err := c.stub.UnimplementedCall.Call(&pb.Empty{}, grpc.Timeout(callTimeout))
	return expectStatus("TestService/UnimplementedCall", err, grpc.Unimplemented, nil)
}

// unimplementedService: UnimplementedService/UnimplementedCall ends with
// UNIMPLEMENTED.
func unimplementedService(c *interopClient) error {
	stub := pb.NewUnimplementedServiceStub(c.ch)
	_, err := stub.UnimplementedCall.Call(&pb.Empty{}, grpc.Timeout(callTimeout))
	return expectStatus("UnimplementedService/UnimplementedCall", err, grpc.Unimplemented, nil)
}

// clientCompressedUnary: the server rejects an uncompressed request that
// claims to be compressed (the probe), then accepts a compressed one and
// an uncompressed one.
func clientCompressedUnary(c *interopClient) error {
	req := func(expect bool) *pb.SimpleRequest {
		r := largeUnaryRequest()
		r.ExpectCompressed = &pb.BoolValue{Value: expect}
		return r
	}
	_, err := c.stub.UnaryCall.Call(req(true), grpc.WithCompression(grpc.NoCompression), grpc.Timeout(callTimeout))
	if err := expectStatus("the probe (an uncompressed request with expect_compressed=true)", err, grpc.InvalidArgument, nil); err != nil {
		return fmt.Errorf("%w: the server does not check request compression", err)
	}
	for _, s := range []struct {
		expect      bool
		compression grpc.Compression
	}{{true, grpc.Gzip}, {false, grpc.NoCompression}} {
		resp, err := c.stub.UnaryCall.Call(req(s.expect), grpc.WithCompression(s.compression), grpc.Timeout(callTimeout))
		what := fmt.Sprintf("UnaryCall (%s, expect_compressed=%v)", s.compression, s.expect)
		if err != nil {
			return rpcFailed(what, err)
		}
		if err := checkPayload(resp.GetPayload(), largeResponseSize); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// clientCompressedStreaming: the server rejects an uncompressed request
// that claims to be compressed (the probe), then accepts a stream of a
// compressed request and one with expect_compressed=false.
//
// grpcio compresses a call's requests or none of them: it has no
// per-message write flag on the invocation side. So, as the harness's
// grpcio client and grpc-go do, the second call is gzip throughout and its
// second message goes compressed too, where the spec wants it uncompressed;
// a server that checks expect_compressed=false (grpc's C++ server does)
// rejects it. docs/interop.md says what API it would take.
func clientCompressedStreaming(c *interopClient) error {
	probe := &pb.StreamingInputCallRequest{ExpectCompressed: &pb.BoolValue{Value: true}, Payload: payload(27182)}
	_, err := c.stub.StreamingInputCall.Call(slices.Values([]*pb.StreamingInputCallRequest{probe}),
		grpc.WithCompression(grpc.NoCompression), grpc.Timeout(callTimeout))
	if err := expectStatus("the probe (an uncompressed request with expect_compressed=true)", err, grpc.InvalidArgument, nil); err != nil {
		return fmt.Errorf("%w: the server does not check request compression", err)
	}
	reqs := []*pb.StreamingInputCallRequest{
		{ExpectCompressed: &pb.BoolValue{Value: true}, Payload: payload(27182)},
		{ExpectCompressed: &pb.BoolValue{Value: false}, Payload: payload(45904)},
	}
	resp, err := c.stub.StreamingInputCall.Call(slices.Values(reqs), grpc.WithCompression(grpc.Gzip), grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("StreamingInputCall (gzip)", err)
	}
	if got := resp.GetAggregatedPayloadSize(); got != 73086 {
		return fmt.Errorf("aggregated_payload_size %d, want 73086", got)
	}
	return nil
}

// serverCompressedUnary: UnaryCall with response_compressed true, then
// false. grpcio does not expose a received message's compressed flag, so
// only the responses are checked, as the spec allows.
func serverCompressedUnary(c *interopClient) error {
	for _, compressed := range []bool{true, false} {
		req := largeUnaryRequest()
		req.ResponseCompressed = &pb.BoolValue{Value: compressed}
		resp, err := c.stub.UnaryCall.Call(req, grpc.Timeout(callTimeout))
		what := fmt.Sprintf("UnaryCall (response_compressed=%v)", compressed)
		if err != nil {
			return rpcFailed(what, err)
		}
		if err := checkPayload(resp.GetPayload(), largeResponseSize); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	return nil
}

// serverCompressedStreaming: StreamingOutputCall with a compressed and an
// uncompressed response; exactly two come back, of the asked sizes. As in
// serverCompressedUnary the compressed flags cannot be seen.
func serverCompressedStreaming(c *interopClient) error {
	req := &pb.StreamingOutputCallRequest{
		ResponseType: pb.PayloadType_COMPRESSABLE,
		ResponseParameters: []*pb.ResponseParameters{
			{Compressed: &pb.BoolValue{Value: true}, Size: 31415},
			{Compressed: &pb.BoolValue{Value: false}, Size: 92653},
		},
	}
	it, err := c.stub.StreamingOutputCall.Call(req, grpc.Timeout(callTimeout))
	if err != nil {
		return rpcFailed("StreamingOutputCall", err)
	}
	rs, err := readAll(it)
	if err != nil {
		return rpcFailed(fmt.Sprintf("StreamingOutputCall (after %d responses)", len(rs)), err)
	}
	return checkStreamSizes(rs, []int{31415, 92653})
}
