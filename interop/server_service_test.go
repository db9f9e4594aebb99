package interop_test

import (
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
	pb "github.com/grpcio-go/grpcio/interop/grpc_testing"
	"github.com/grpcio-go/grpcio/interop/server/service"
)

// serverCallTimeout bounds every call, so that a hang fails the call.
var serverCallTimeout = grpc.Timeout(30 * time.Second)

// serverEcho is Echo Metadata's request metadata.
var serverEcho = grpc.Metadata{
	{Key: service.EchoInitialKey, Value: "test_initial_metadata_value"},
	{Key: service.EchoTrailingKey, Value: "\x0a\x0b\x0a\x0b\x0a\x0b"},
	{Key: "x-not-echoed", Value: "no"},
}

// serverSizes makes ResponseParameters of the given sizes.
func serverSizes(n ...int32) []*pb.ResponseParameters {
	var ps []*pb.ResponseParameters
	for _, s := range n {
		ps = append(ps, &pb.ResponseParameters{Size: s})
	}
	return ps
}

func serverRequests[T any](reqs ...T) iter.Seq[T] { return slices.Values(reqs) }

// TestServerService checks, with grpcio-go's own client, the server
// features the interop clients do not exercise or only touch: errors for
// bad requests, fill_server_id, CacheableUnaryCall, HalfDuplexCall,
// interval_us, Echo Metadata and Echo Status on every method, and
// CompressedRequest.
func TestServerService(t *testing.T) {
	leakcheck.Check(t)
	ts := service.New()
	ch := grpctest.ServeAndDial(t, func(s *grpc.Server) { service.Register(ts, s) })
	stub := pb.NewTestServiceStub(ch)
	echoed := func(t *testing.T, initial, trailing grpc.Metadata) {
		t.Helper()
		assert.Equal(t, serverEcho[:1], initial)
		assert.Equal(t, serverEcho[1:2], trailing)
	}

	t.Run("BadRequests", func(t *testing.T) {
		_, err := stub.UnaryCall.Call(&pb.SimpleRequest{ResponseType: 7}, serverCallTimeout)
		grpctest.AssertStatus(t, err, grpc.InvalidArgument, "unsupported response type 7")
		_, err = stub.UnaryCall.Call(&pb.SimpleRequest{ResponseSize: -1}, serverCallTimeout)
		grpctest.AssertStatus(t, err, grpc.InvalidArgument, "negative response size -1")
		it, err := stub.StreamingOutputCall.Call(&pb.StreamingOutputCallRequest{ResponseParameters: serverSizes(1, -1)}, serverCallTimeout)
		require.NoError(t, err)
		_, err = it.Next()
		require.NoError(t, err)
		_, err = it.Next()
		grpctest.AssertStatus(t, err, grpc.InvalidArgument, "negative response size -1")
	})

	t.Run("Unimplemented", func(t *testing.T) {
		_, err := stub.UnimplementedCall.Call(&pb.Empty{}, serverCallTimeout)
		grpctest.AssertStatus(t, err, grpc.Unimplemented, "Method not implemented!")
		_, err = pb.NewUnimplementedServiceStub(ch).UnimplementedCall.Call(&pb.Empty{}, serverCallTimeout)
		grpctest.AssertStatus(t, err, grpc.Unimplemented, "Method not found!")
	})

	t.Run("FillServerID", func(t *testing.T) {
		resp, err := stub.UnaryCall.Call(&pb.SimpleRequest{FillServerId: true}, serverCallTimeout)
		require.NoError(t, err)
		assert.Equal(t, ts.ServerID, resp.GetServerId())
		assert.NotEmpty(t, resp.GetServerId())
		assert.Equal(t, ts.Hostname, resp.GetHostname())
		resp, err = stub.UnaryCall.Call(&pb.SimpleRequest{}, serverCallTimeout)
		require.NoError(t, err)
		assert.Empty(t, resp.GetServerId())
	})

	t.Run("CacheableUnaryCall", func(t *testing.T) {
		var bodies [][]byte
		for range 2 {
			resp, call, err := stub.CacheableUnaryCall.WithCall(&pb.SimpleRequest{}, serverCallTimeout)
			require.NoError(t, err)
			assert.Contains(t, call.InitialMetadata(), grpc.Metadatum{Key: "cache-control", Value: "max-age=60, public"})
			bodies = append(bodies, resp.GetPayload().GetBody())
		}
		assert.NotEqual(t, bodies[0], bodies[1], "each response carries the time")
	})

	t.Run("EchoMetadata", func(t *testing.T) {
		md := grpc.WithMetadata(serverEcho)
		_, call, err := stub.EmptyCall.WithCall(&pb.Empty{}, serverCallTimeout, md)
		require.NoError(t, err)
		echoed(t, call.InitialMetadata(), call.TrailingMetadata())
		_, call, err = stub.UnaryCall.WithCall(&pb.SimpleRequest{ResponseSize: 10}, serverCallTimeout, md)
		require.NoError(t, err)
		echoed(t, call.InitialMetadata(), call.TrailingMetadata())
		_, call, err = stub.StreamingInputCall.WithCall(serverRequests(&pb.StreamingInputCallRequest{}), serverCallTimeout, md)
		require.NoError(t, err)
		echoed(t, call.InitialMetadata(), call.TrailingMetadata())
		it, err := stub.StreamingOutputCall.Call(&pb.StreamingOutputCallRequest{ResponseParameters: serverSizes(1)}, serverCallTimeout, md)
		require.NoError(t, err)
		for _, err := range it.All() {
			require.NoError(t, err)
		}
		echoed(t, it.InitialMetadata(), it.TrailingMetadata())
		for name, mc := range map[string]*grpc.StreamStreamMultiCallable[*pb.StreamingOutputCallRequest, *pb.StreamingOutputCallResponse]{
			"FullDuplexCall": stub.FullDuplexCall, "HalfDuplexCall": stub.HalfDuplexCall,
		} {
			// With no request at all (empty_stream), and with one.
			for _, reqs := range []iter.Seq[*pb.StreamingOutputCallRequest]{
				serverRequests[*pb.StreamingOutputCallRequest](),
				serverRequests(&pb.StreamingOutputCallRequest{ResponseParameters: serverSizes(3)}),
			} {
				it, err := mc.Call(reqs, serverCallTimeout, md)
				require.NoError(t, err, name)
				for _, err := range it.All() {
					require.NoError(t, err, name)
				}
				echoed(t, it.InitialMetadata(), it.TrailingMetadata())
			}
		}
	})

	t.Run("EchoStatus", func(t *testing.T) {
		const details = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
		st := &pb.EchoStatus{Code: int32(grpc.Unknown), Message: details}
		_, err := stub.UnaryCall.Call(&pb.SimpleRequest{ResponseStatus: st}, serverCallTimeout, grpc.WithMetadata(serverEcho))
		grpctest.AssertStatus(t, err, grpc.Unknown, details)
		echoed(t, grpctest.RpcError(t, err).InitialMetadata(), grpctest.RpcError(t, err).TrailingMetadata())
		it, err := stub.StreamingOutputCall.Call(&pb.StreamingOutputCallRequest{ResponseStatus: st, ResponseParameters: serverSizes(1)}, serverCallTimeout)
		require.NoError(t, err)
		_, err = it.Next()
		grpctest.AssertStatus(t, err, grpc.Unknown, details)
		for name, mc := range map[string]*grpc.StreamStreamMultiCallable[*pb.StreamingOutputCallRequest, *pb.StreamingOutputCallResponse]{
			"FullDuplexCall": stub.FullDuplexCall, "HalfDuplexCall": stub.HalfDuplexCall,
		} {
			it, err := mc.Call(serverRequests(&pb.StreamingOutputCallRequest{ResponseStatus: st}), serverCallTimeout)
			require.NoError(t, err, name)
			_, err = it.Next()
			grpctest.AssertStatus(t, err, grpc.Unknown, details)
		}
	})

	t.Run("HalfDuplexCall", func(t *testing.T) {
		// No response comes before the client half-closes: the client
		// holds its last request back, and the first response must wait.
		release := make(chan struct{})
		it, err := stub.HalfDuplexCall.Call(func(yield func(*pb.StreamingOutputCallRequest) bool) {
			for i, n := range []int32{5, 7, 9} {
				if !yield(&pb.StreamingOutputCallRequest{ResponseParameters: serverSizes(n, n+1)}) {
					return
				}
				if i == 1 {
					<-release
				}
			}
		}, serverCallTimeout)
		require.NoError(t, err)
		got := make(chan int, 1)
		go func() {
			resp, err := it.Next()
			if err != nil {
				got <- -1
				return
			}
			got <- len(resp.GetPayload().GetBody())
		}()
		select {
		case n := <-got:
			t.Fatalf("a response (%d bytes) came before the client half-closed", n)
		case <-time.After(200 * time.Millisecond):
		}
		close(release)
		assert.Equal(t, 5, <-got)
		var rest []int
		for resp, err := range it.All() {
			require.NoError(t, err)
			rest = append(rest, len(resp.GetPayload().GetBody()))
		}
		assert.Equal(t, []int{6, 7, 8, 9, 10}, rest)
	})

	t.Run("IntervalUs", func(t *testing.T) {
		params := serverSizes(1, 2, 3)
		for _, p := range params {
			p.IntervalUs = 50_000
		}
		start := time.Now()
		it, err := stub.StreamingOutputCall.Call(&pb.StreamingOutputCallRequest{ResponseParameters: params}, serverCallTimeout)
		require.NoError(t, err)
		var at []time.Duration
		for _, err := range it.All() {
			require.NoError(t, err)
			at = append(at, time.Since(start))
		}
		require.Len(t, at, 3)
		for i, d := range at {
			assert.GreaterOrEqual(t, d, time.Duration(i+1)*50*time.Millisecond, "response %d", i)
		}
	})

	t.Run("DeadlineDuringInterval", func(t *testing.T) {
		params := serverSizes(1)
		params[0].IntervalUs = 10_000_000
		start := time.Now()
		it, err := stub.StreamingOutputCall.Call(&pb.StreamingOutputCallRequest{ResponseParameters: params}, grpc.Timeout(100*time.Millisecond))
		require.NoError(t, err)
		_, err = it.Next()
		grpctest.AssertStatus(t, err, grpc.DeadlineExceeded, "Deadline Exceeded")
		assert.Less(t, time.Since(start), 5*time.Second)
	})

	t.Run("CompressedRequest", func(t *testing.T) {
		req := &pb.SimpleRequest{ExpectCompressed: &pb.BoolValue{Value: true}, ResponseSize: 10, Payload: &pb.Payload{Body: make([]byte, 1000)}}
		_, err := stub.UnaryCall.Call(req, serverCallTimeout)
		grpctest.AssertStatus(t, err, grpc.InvalidArgument, "Expected a compressed request, but the request arrived uncompressed")
		_, err = stub.UnaryCall.Call(req, serverCallTimeout, grpc.WithCompression(grpc.Gzip))
		require.NoError(t, err)
		_, err = stub.UnaryCall.Call(req, serverCallTimeout, grpc.WithCompression(grpc.Deflate))
		require.NoError(t, err)

		sreq := &pb.StreamingInputCallRequest{ExpectCompressed: &pb.BoolValue{Value: true}, Payload: &pb.Payload{Body: make([]byte, 1000)}}
		_, err = stub.StreamingInputCall.Call(serverRequests(sreq, sreq), serverCallTimeout)
		grpctest.AssertStatus(t, err, grpc.InvalidArgument, "Expected a compressed request, but the request arrived uncompressed")
		resp, err := stub.StreamingInputCall.Call(serverRequests(sreq, &pb.StreamingInputCallRequest{Payload: &pb.Payload{Body: make([]byte, 5)}}),
			serverCallTimeout, grpc.WithCompression(grpc.Gzip))
		require.NoError(t, err)
		assert.Equal(t, int32(1005), resp.GetAggregatedPayloadSize())
	})
}
