package grpc_test

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/grpcio-go/grpcio/core"
	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/emptypb"
)

func TestStatusFromHandler(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"SetCode": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			ctx.SetCode(grpc.NotFound)
			ctx.SetDetails("Test details!")
			ctx.SetTrailingMetadata(grpc.Metadata{{"k", "v"}})
			return req, nil
		}, nil, nil),
		"SetCodeThenFail": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			ctx.SetCode(grpc.NotFound)
			ctx.SetDetails("Test details!")
			return nil, errors.New("boom")
		}, nil, nil),
		"Abort": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			err := ctx.Abort(grpc.Internal, "Abandon ship!")
			return []byte("ignored"), err
		}, nil, nil),
		"AbortIgnored": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			_ = ctx.Abort(grpc.PermissionDenied, "no")
			return req, nil
		}, nil, nil),
		"AbortWithStatus": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.AbortWithStatus(grpc.Status{Code: grpc.Internal, Details: "Abandon ship!", TrailingMetadata: grpc.Metadata{{"a-trailing-metadata", "42"}}})
		}, nil, nil),
		"AbortInvalidCode": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.Abort(grpc.StatusCode(42), "Abandon ship!")
		}, nil, nil),
		"AbortOK": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.Abort(grpc.OK, "fine")
		}, nil, nil),
		"Error": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, errors.New("kaput")
		}, nil, nil),
		"Panic": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			panic("oh no")
		}, nil, nil),
		"NilPointer": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			var m map[string]int
			m["x"]++
			return nil, nil
		}, nil, nil),
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})
	call := func(name string) error {
		_, err := ch.UnaryUnary(method(name)).Call([]byte("req"))
		return err
	}
	e := assertStatus(t, call("SetCode"), grpc.NotFound, "Test details!")
	assert.Equal(t, grpc.Metadata{{"k", "v"}}, e.TrailingMetadata())
	assertStatus(t, call("SetCodeThenFail"), grpc.NotFound, "Test details!")
	assertStatus(t, call("Abort"), grpc.Internal, "Abandon ship!")
	assertStatus(t, call("AbortIgnored"), grpc.PermissionDenied, "no")
	e = assertStatus(t, call("AbortWithStatus"), grpc.Internal, "Abandon ship!")
	assert.Equal(t, grpc.Metadata{{"a-trailing-metadata", "42"}}, e.TrailingMetadata())
	assertStatus(t, call("AbortInvalidCode"), grpc.Unknown, "Abandon ship!")
	assertStatus(t, call("AbortOK"), grpc.Unknown, "")
	assertStatus(t, call("Error"), grpc.Unknown, "Exception calling application: kaput")
	assertStatus(t, call("Panic"), grpc.Unknown, "Exception calling application: oh no")
	assertStatus(t, call("NilPointer"), grpc.Unknown, "Exception calling application: assignment to entry in nil map")
	// The server keeps serving after all of that.
	require.NoError(t, call("Echo"))
}

func TestRpcErrorText(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Fail": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, ctx.Abort(grpc.NotFound, "gone")
		}, nil, nil),
	})
	_, err := ch.UnaryUnary(method("Fail")).Call([]byte("x"))
	e := assertStatus(t, err, grpc.NotFound, "gone")
	assert.True(t, strings.HasPrefix(err.Error(), "<_InactiveRpcError of RPC that terminated with:\n\tstatus = StatusCode.NOT_FOUND\n\tdetails = \"gone\"\n\tdebug_error_string = \""), err.Error())
	assert.Equal(t, "not found", e.Code().String())
	assert.Equal(t, 5, e.Code().Value())
}

func TestUnknownMethod(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	})
	_, err := ch.UnaryUnary("/test.Test/NoSuchMethod").Call([]byte("abc"))
	assertStatus(t, err, grpc.Unimplemented, "Method not found!")
	_, err = ch.UnaryUnary("NoSuchMethod").Call([]byte("abc"))
	assertStatus(t, err, grpc.Unimplemented, "Method not found!")
}

func TestSerializationFailures(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
		"BadRequest": grpc.UnaryUnaryRPCMethodHandler(echo, func([]byte) ([]byte, error) {
			return nil, errors.New("bad bytes")
		}, nil),
		"BadResponse": grpc.UnaryUnaryRPCMethodHandler(echo, nil, func([]byte) ([]byte, error) {
			return nil, errors.New("cannot")
		}),
	})
	_, err := ch.UnaryUnary(method("Echo"), grpc.RequestSerializer(func(any) ([]byte, error) {
		return nil, errors.New("no")
	})).Call("x")
	assertStatus(t, err, grpc.Internal, "Exception serializing request!")
	_, err = ch.UnaryUnary(method("Echo"), grpc.ResponseDeserializer(func([]byte) (any, error) {
		return nil, errors.New("no")
	})).Call([]byte("x"))
	assertStatus(t, err, grpc.Internal, "Exception deserializing response!")
	_, err = ch.UnaryUnary(method("Echo")).Call(42)
	assertStatus(t, err, grpc.Internal, "Exception serializing request!")
	_, err = ch.UnaryUnary(method("BadRequest")).Call([]byte("x"))
	assertStatus(t, err, grpc.Internal, "Exception deserializing request!")
	_, err = ch.UnaryUnary(method("BadResponse")).Call([]byte("x"))
	assertStatus(t, err, grpc.Internal, "Failed to serialize response!")
	// Custom serializers round trip.
	resp, err := ch.UnaryUnary(method("Echo"),
		grpc.RequestSerializer(func(v any) ([]byte, error) { return []byte(v.(string)), nil }),
		grpc.ResponseDeserializer(func(b []byte) (any, error) { return strings.ToUpper(string(b)), nil }),
	).Call("shout")
	require.NoError(t, err)
	assert.Equal(t, "SHOUT", resp)
}

// panickyHandler panics while looking a handler up.
type panickyHandler struct{}

func (panickyHandler) Service(d *grpc.HandlerCallDetails) *grpc.RPCMethodHandler {
	if strings.HasSuffix(d.Method, "/Defective") {
		panic("lookup failed")
	}
	return nil
}

func TestInvocationDefects(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
	}, grpc.Handlers(panickyHandler{}))
	_, err := ch.UnaryUnary("/other.Service/Defective").Call([]byte("x"))
	assertStatus(t, err, grpc.Unknown, "Error in service handler!")
	it, err := ch.UnaryStream("/other.Service/Defective").Call([]byte("x"))
	require.NoError(t, err)
	_, err = it.Next()
	assertStatus(t, err, grpc.Unknown, "Error in service handler!")
	// Handlers consulted before the defective one still work, and the server
	// keeps serving.
	resp, err := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Echo")).Call([]byte("still here"))
	require.NoError(t, err)
	assert.Equal(t, "still here", string(resp))
}

func TestUnicodeDetails(t *testing.T) {
	msgs := []string{"\u00f8", "\u0001", "hello, \u4e16\u754c", "tab\there", "percent % sign", "\u00e9t\u00e9 \U0001F600"}
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Details": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			ctx.SetCode(grpc.NotFound)
			ctx.SetDetails(string(req))
			return req, nil
		}, nil, nil),
	})
	for _, m := range msgs {
		_, err := ch.UnaryUnary(method("Details")).Call([]byte(m))
		assertStatus(t, err, grpc.NotFound, m)
	}
}

func TestCustomCodeWithFailureAllShapes(t *testing.T) {
	fail := func(ctx *grpc.ServicerContext) error {
		ctx.SetCode(grpc.NotFound)
		ctx.SetDetails("Test details!")
		ctx.SetTrailingMetadata(grpc.Metadata{{"trailing", "kept"}})
		return errors.New("and then it broke")
	}
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"UU": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return nil, fail(ctx)
		}, nil, nil),
		"US": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			return func(yield func([]byte, error) bool) { _ = yield([]byte("a"), nil) && yield(nil, fail(ctx)) }
		}, nil, nil),
		"SU": grpc.StreamUnaryRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) ([]byte, error) {
			for range reqs {
			}
			return nil, fail(ctx)
		}, nil, nil),
		"SS": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			panic(fail(ctx))
		}, nil, nil),
	})
	check := func(err error) {
		t.Helper()
		e := assertStatus(t, err, grpc.NotFound, "Test details!")
		assert.Equal(t, grpc.Metadata{{"trailing", "kept"}}, e.TrailingMetadata())
	}
	_, err := ch.UnaryUnary(method("UU")).Call([]byte("x"))
	check(err)
	_, err = ch.StreamUnary(method("SU")).Call(func(yield func(any) bool) { yield([]byte("x")) })
	check(err)
	for _, m := range []string{"US", "SS"} {
		it, err := grpc.NewStreamStream[[]byte, []byte](ch, method(m)).Call(bytesSeq("x"))
		require.NoError(t, err)
		_, err = collect(t, it)
		check(err)
	}
}

func TestStreamingFailures(t *testing.T) {
	ch := shapesServer(t)
	it, err := grpc.NewUnaryStream[[]byte, []byte](ch, method("FailAfter")).Call([]byte("x"))
	require.NoError(t, err)
	got, err := collect(t, it)
	assert.Equal(t, []string{"one", "two"}, got)
	assertStatus(t, err, grpc.Unknown, "Exception iterating responses: boom")
	_, err2 := it.Next()
	assert.Equal(t, err, err2, "the error repeats")
	assert.Equal(t, grpc.Unknown, it.Code())
	assert.Equal(t, "Exception iterating responses: boom", it.Details())

	it, err = grpc.NewStreamStream[[]byte, []byte](ch, method("PanicAfter")).Call(bytesSeq("a"))
	require.NoError(t, err)
	got, err = collect(t, it)
	assert.Equal(t, []string{"one"}, got)
	assertStatus(t, err, grpc.Unknown, "Exception iterating responses: iterator exploded")

	it, err = grpc.NewUnaryStream[[]byte, []byte](ch, method("AbortMidStream")).Call([]byte("x"))
	require.NoError(t, err)
	got, err = collect(t, it)
	assert.Equal(t, []string{"one"}, got)
	assertStatus(t, err, grpc.ResourceExhausted, "enough")

	it, err = grpc.NewUnaryStream[[]byte, []byte](ch, method("PanicBefore")).Call([]byte("x"))
	require.NoError(t, err)
	_, err = collect(t, it)
	assertStatus(t, err, grpc.Unknown, "Exception calling application: no iterator for you")

	// Client-side request failures.
	_, err = grpc.NewStreamUnary[[]byte, []byte](ch, method("Join")).Call(func(yield func([]byte) bool) {
		if yield([]byte("a")) {
			panic("request iterator exploded")
		}
	})
	assertStatus(t, err, grpc.Unknown, "Exception iterating requests!")
	_, err = grpc.NewStreamUnary[int, []byte](ch, method("Join")).Call(func(yield func(int) bool) { yield(1) })
	assertStatus(t, err, grpc.Internal, "Exception serializing request!")

	// Server-side request deserialization.
	_, err = grpc.NewStreamUnary[[]byte, []byte](ch, method("BadRequests")).Call(bytesSeq("1", "2", "three"))
	assertStatus(t, err, grpc.Internal, "Exception deserializing request!")
	resp, err := grpc.NewStreamUnary[[]byte, []byte](ch, method("BadRequests")).Call(bytesSeq("1", "2", "3"))
	require.NoError(t, err)
	assert.Equal(t, "6", string(resp))

	// Client-side response deserialization.
	it3, err := grpc.NewUnaryStream[[]byte, int](ch, method("Repeat"), grpc.ResponseDeserializer(func(b []byte) (any, error) {
		return 0, errors.New("nope")
	})).Call([]byte("ab"))
	require.NoError(t, err)
	_, err = it3.Next()
	assertStatus(t, err, grpc.Internal, "Exception deserializing response!")
}

// A server that sends a status code outside the canonical table (here a
// core-level server, since grpcio-go's servers never send one).
func TestUnknownCodeFromServer(t *testing.T) {
	leakcheck.Check(t)
	s, err := core.NewServer(core.ServerConfig{MaxWorkers: 2, Lookup: func(call *core.ServerCall) (func(*core.ServerCall), int, string) {
		return nil, 42, "odd"
	}})
	require.NoError(t, err)
	port, err := s.AddInsecurePort("127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, s.Start())
	defer func() { <-s.Stop(0) }()
	ch := dial(t, fmt.Sprintf("127.0.0.1:%d", port))
	_, err = ch.UnaryUnary(method("Any")).Call([]byte("x"))
	assertStatus(t, err, grpc.Unknown, `Server sent unknown code 42 and details "odd"`)
	it, err := ch.UnaryStream(method("Any")).Call([]byte("x"))
	require.NoError(t, err)
	_, err = it.Next()
	assertStatus(t, err, grpc.Unknown, `Server sent unknown code 42 and details "odd"`)
	assert.Equal(t, grpc.Unknown, it.Code())
	assert.Equal(t, `Server sent unknown code 42 and details "odd"`, it.Details())
}

// grpcio leaves the client waiting for its deadline when the trailing
// metadata is invalid (C-core refuses the status batch); grpcio-go ends the
// RPC with the error. A nil response is grpcio's None.
func TestInvalidTrailingMetadataAndNilResponse(t *testing.T) {
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"BadTrailing": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			ctx.SetTrailingMetadata(grpc.Metadata{{"Bad Key", "v"}})
			return req, nil
		}, nil, nil),
		"Nil": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) (*emptypb.Empty, error) {
			return nil, nil
		}, nil, nil),
	})
	start := time.Now()
	_, err := ch.UnaryUnary(method("BadTrailing")).Call([]byte("x"), grpc.Timeout(10*time.Second))
	e := rpcError(t, err)
	assert.Equal(t, grpc.Unknown, e.Code())
	assert.True(t, strings.HasPrefix(e.Details(), "Exception calling application: metadata was invalid: "), e.Details())
	assert.Less(t, time.Since(start), 5*time.Second)
	_, err = ch.UnaryUnary(method("Nil")).Call([]byte{})
	assertStatus(t, err, grpc.Internal, "Failed to serialize response!")
	_, err = grpc.NewUnaryUnary[*emptypb.Empty, []byte](ch, method("Nil")).Call(nil)
	assertStatus(t, err, grpc.Internal, "Exception serializing request!")
}
