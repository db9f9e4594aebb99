// Package service is the service side of the gRPC interop tests: grpcio-go's
// TestService, the server features of the official test descriptions
// (doc/interop-test-descriptions.md in grpc/grpc, "Server"), as grpcio's
// tests/interop/service.py is for Python.
//
// # Features
//
// EmptyCall, UnaryCall, CacheableUnaryCall, StreamingInputCall,
// StreamingOutputCall, FullDuplexCall and HalfDuplexCall; Echo Status
// (response_status), Echo Metadata (x-grpc-test-echo-initial in the initial
// metadata, x-grpc-test-echo-trailing-bin in the trailing metadata),
// ResponseParameters.interval_us, fill_server_id, CompressedResponse
// (response_compressed per call, ResponseParameters.compressed per message)
// and CompressedRequest (expect_compressed). UnimplementedCall and the
// grpc.testing.UnimplementedService answer UNIMPLEMENTED.
//
// # Compression
//
// A response is compressed with gzip when asked: response_compressed sets
// the call's compression (ServicerContext.SetCompression); in a stream, the
// call is gzip as soon as one ResponseParameters asks for compression, and
// the responses that did not ask go out with
// ServicerContext.DisableNextMessageCompression. The compression of a
// duplex call is decided by its first request (the response headers, which
// carry it, go before the first response).
//
// A request with expect_compressed=true that did not arrive compressed
// fails with INVALID_ARGUMENT: ServicerContext.LastRequestCompressed tells,
// per message. expect_compressed=false is not checked, as the spec asks: a
// client whose compression is per call (grpc-go, grpcio) sends that message
// compressed too.
//
// fill_username and fill_oauth_scope are ignored: this server authenticates
// nobody. ORCA backend metrics (orca_per_rpc, orca_oob) are not served.
package service

import (
	"fmt"
	"iter"
	"os"
	"strconv"
	"time"

	"github.com/grpcio-go/grpcio/grpc"
	pb "github.com/grpcio-go/grpcio/interop/grpc_testing"
)

// The Echo Metadata keys.
const (
	EchoInitialKey  = "x-grpc-test-echo-initial"
	EchoTrailingKey = "x-grpc-test-echo-trailing-bin"
)

// TestService implements grpc.testing.TestService. Its zero value serves
// with an empty server ID; use New. Safe for concurrent use.
type TestService struct {
	pb.UnimplementedTestServiceServicer // UnimplementedCall

	// ServerID is what fill_server_id puts in SimpleResponse.server_id.
	ServerID string
	// Hostname is what fill_server_id puts in SimpleResponse.hostname.
	Hostname string
}

var _ pb.TestServiceServicer = (*TestService)(nil)

// New returns a TestService whose server ID names this process.
func New() *TestService {
	host, _ := os.Hostname()
	return &TestService{ServerID: "grpcio-go-" + strconv.Itoa(os.Getpid()), Hostname: host}
}

// Register adds ts to server as grpc.testing.TestService. The
// UnimplementedService is deliberately not added: calls to it find no
// handler and fail with UNIMPLEMENTED "Method not found!".
func Register(ts *TestService, server *grpc.Server) {
	pb.AddTestServiceServicerToServer(ts, server)
}

// EmptyCall returns an empty message at once.
func (*TestService) EmptyCall(_ *pb.Empty, ctx *grpc.ServicerContext) (*pb.Empty, error) {
	if err := sendInitial(ctx, echoMetadata(ctx)); err != nil {
		return nil, err
	}
	return &pb.Empty{}, nil
}

// UnaryCall answers with response_size bytes of zeros, after the Echo
// Status and CompressedRequest checks, compressed if response_compressed
// says so.
func (ts *TestService) UnaryCall(req *pb.SimpleRequest, ctx *grpc.ServicerContext) (*pb.SimpleResponse, error) {
	initial := echoMetadata(ctx)
	if rc := req.GetResponseCompressed(); rc != nil {
		ctx.SetCompression(compression(rc.GetValue()))
	}
	if err := sendInitial(ctx, initial); err != nil {
		return nil, err
	}
	if err := echoStatus(ctx, req.GetResponseStatus()); err != nil {
		return nil, err
	}
	if err := checkCompressed(ctx, req.GetExpectCompressed()); err != nil {
		return nil, err
	}
	p, err := payload(ctx, req.GetResponseType(), req.GetResponseSize())
	if err != nil {
		return nil, err
	}
	resp := &pb.SimpleResponse{Payload: p}
	if req.GetFillServerId() {
		resp.ServerId, resp.Hostname = ts.ServerID, ts.Hostname
	}
	return resp, nil
}

// CacheableUnaryCall answers with the current time in nanoseconds and
// cache-control headers that let a caching proxy keep it for 60 seconds.
func (*TestService) CacheableUnaryCall(_ *pb.SimpleRequest, ctx *grpc.ServicerContext) (*pb.SimpleResponse, error) {
	md := append(grpc.Metadata{{Key: "cache-control", Value: "max-age=60, public"}}, echoMetadata(ctx)...)
	if err := ctx.SendInitialMetadata(md); err != nil {
		return nil, err
	}
	now := strconv.FormatInt(time.Now().UnixNano(), 10)
	return &pb.SimpleResponse{Payload: &pb.Payload{Type: pb.PayloadType_COMPRESSABLE, Body: []byte(now)}}, nil
}

// StreamingOutputCall answers with one response per ResponseParameters, in
// order, each after its interval_us.
func (*TestService) StreamingOutputCall(req *pb.StreamingOutputCallRequest, ctx *grpc.ServicerContext) iter.Seq2[*pb.StreamingOutputCallResponse, error] {
	return func(yield func(*pb.StreamingOutputCallResponse, error) bool) {
		s := newResponder(ctx, yield)
		s.respond(req.GetResponseType(), req.GetResponseParameters(), req.GetResponseStatus())
		s.end()
	}
}

// StreamingInputCall answers, once the client half-closes, with the sum of
// the request payload sizes; a request with expect_compressed=true that
// arrived uncompressed fails the RPC with INVALID_ARGUMENT.
func (*TestService) StreamingInputCall(reqs iter.Seq2[*pb.StreamingInputCallRequest, error], ctx *grpc.ServicerContext) (*pb.StreamingInputCallResponse, error) {
	if err := sendInitial(ctx, echoMetadata(ctx)); err != nil {
		return nil, err
	}
	var sum int
	for req, err := range reqs {
		if err != nil {
			return nil, err
		}
		if err := checkCompressed(ctx, req.GetExpectCompressed()); err != nil {
			return nil, err
		}
		sum += len(req.GetPayload().GetBody())
	}
	return &pb.StreamingInputCallResponse{AggregatedPayloadSize: int32(sum)}, nil
}

// FullDuplexCall answers each request as it arrives, with one response per
// ResponseParameters, and ends with OK after the client half-closes.
func (*TestService) FullDuplexCall(reqs iter.Seq2[*pb.StreamingOutputCallRequest, error], ctx *grpc.ServicerContext) iter.Seq2[*pb.StreamingOutputCallResponse, error] {
	return func(yield func(*pb.StreamingOutputCallResponse, error) bool) {
		s := newResponder(ctx, yield)
		for req, err := range reqs {
			if err != nil {
				s.fail(err)
				return
			}
			if !s.respond(req.GetResponseType(), req.GetResponseParameters(), req.GetResponseStatus()) {
				return
			}
		}
		s.end()
	}
}

// HalfDuplexCall reads every request until the client half-closes, then
// answers them in order as FullDuplexCall does.
func (*TestService) HalfDuplexCall(reqs iter.Seq2[*pb.StreamingOutputCallRequest, error], ctx *grpc.ServicerContext) iter.Seq2[*pb.StreamingOutputCallResponse, error] {
	return func(yield func(*pb.StreamingOutputCallResponse, error) bool) {
		s := newResponder(ctx, yield)
		var all []*pb.StreamingOutputCallRequest
		for req, err := range reqs {
			if err != nil {
				s.fail(err)
				return
			}
			all = append(all, req)
		}
		for _, req := range all {
			if !s.respond(req.GetResponseType(), req.GetResponseParameters(), req.GetResponseStatus()) {
				return
			}
		}
		s.end()
	}
}

// responder sends the responses of a streaming call: the echoed initial
// metadata (with the call's compression) before the first response, then
// the responses with their intervals and per-message compression.
type responder struct {
	ctx         *grpc.ServicerContext
	yield       func(*pb.StreamingOutputCallResponse, error) bool
	initial     grpc.Metadata
	initialSent bool
	compressed  bool // the call's responses are gzip unless disabled per message
}

func newResponder(ctx *grpc.ServicerContext, yield func(*pb.StreamingOutputCallResponse, error) bool) *responder {
	return &responder{ctx: ctx, yield: yield, initial: echoMetadata(ctx)}
}

// start sends the initial metadata unless it has gone, after choosing the
// call's compression from params (the first request's).
func (s *responder) start(params []*pb.ResponseParameters) bool {
	if s.initialSent {
		return true
	}
	s.initialSent = true
	for _, p := range params {
		if p.GetCompressed().GetValue() {
			s.compressed = true
			s.ctx.SetCompression(grpc.Gzip)
			break
		}
	}
	if err := sendInitial(s.ctx, s.initial); err != nil {
		s.yield(nil, err)
		return false
	}
	return true
}

// respond handles one request: its Echo Status, then one response per
// params entry. It reports whether the call goes on.
func (s *responder) respond(typ pb.PayloadType, params []*pb.ResponseParameters, status *pb.EchoStatus) bool {
	if !s.start(params) {
		return false
	}
	if err := echoStatus(s.ctx, status); err != nil {
		s.yield(nil, err)
		return false
	}
	for _, p := range params {
		if !sleep(s.ctx, p.GetIntervalUs()) {
			return false
		}
		body, err := payload(s.ctx, typ, p.GetSize())
		if err != nil {
			s.yield(nil, err)
			return false
		}
		if s.compressed && !p.GetCompressed().GetValue() {
			s.ctx.DisableNextMessageCompression()
		}
		if !s.yield(&pb.StreamingOutputCallResponse{Payload: body}, nil) {
			return false
		}
	}
	return true
}

// end finishes a call that sent every response: the initial metadata still
// goes out if no request came (empty_stream with Echo Metadata).
func (s *responder) end() { s.start(nil) }

// fail ends the call with err, from the request iterator.
func (s *responder) fail(err error) { s.yield(nil, err) }

// echoMetadata returns the Echo Metadata initial entries to send and sets
// the trailing ones.
func echoMetadata(ctx *grpc.ServicerContext) grpc.Metadata {
	var initial, trailing grpc.Metadata
	for _, md := range ctx.InvocationMetadata() {
		switch md.Key {
		case EchoInitialKey:
			initial = append(initial, md)
		case EchoTrailingKey:
			trailing = append(trailing, md)
		}
	}
	if trailing != nil {
		ctx.SetTrailingMetadata(trailing)
	}
	return initial
}

// sendInitial sends md as the initial metadata now; with none, the
// initial metadata goes with the first response or the status.
func sendInitial(ctx *grpc.ServicerContext, md grpc.Metadata) error {
	if len(md) == 0 {
		return nil
	}
	return ctx.SendInitialMetadata(md)
}

// echoStatus aborts the RPC with the requested status, if any (Echo
// Status).
func echoStatus(ctx *grpc.ServicerContext, st *pb.EchoStatus) error {
	if st.GetCode() == 0 {
		return nil
	}
	return ctx.Abort(grpc.StatusCode(st.GetCode()), st.GetMessage())
}

// checkCompressed fails the RPC with INVALID_ARGUMENT when the request it
// was read from should have arrived compressed and did not
// (CompressedRequest).
func checkCompressed(ctx *grpc.ServicerContext, expect *pb.BoolValue) error {
	if !expect.GetValue() || ctx.LastRequestCompressed() {
		return nil
	}
	return ctx.Abort(grpc.InvalidArgument, "Expected a compressed request, but the request arrived uncompressed")
}

// compression is the call compression response_compressed asks for.
func compression(compressed bool) grpc.Compression {
	if compressed {
		return grpc.Gzip
	}
	return grpc.NoCompression
}

// payload is size bytes of zeros of type typ; only COMPRESSABLE exists.
func payload(ctx *grpc.ServicerContext, typ pb.PayloadType, size int32) (*pb.Payload, error) {
	if typ != pb.PayloadType_COMPRESSABLE {
		return nil, ctx.Abort(grpc.InvalidArgument, fmt.Sprintf("unsupported response type %d", typ))
	}
	if size < 0 {
		return nil, ctx.Abort(grpc.InvalidArgument, fmt.Sprintf("negative response size %d", size))
	}
	return &pb.Payload{Type: typ, Body: make([]byte, size)}, nil
}

// sleep waits us microseconds; false if the RPC ended meanwhile.
func sleep(ctx *grpc.ServicerContext, us int32) bool {
	if us <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(time.Duration(us) * time.Microsecond)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
