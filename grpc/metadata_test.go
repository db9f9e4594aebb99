package grpc_test

import (
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMetadataBothWays(t *testing.T) {
	var got grpc.Metadata
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Md": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			got = ctx.InvocationMetadata()
			if err := ctx.SendInitialMetadata(grpc.Metadata{{"initial-md-key", "initial-md-value"}, {"initial-md-key-bin", "\x00\x02"}}); err != nil {
				return nil, err
			}
			ctx.SetTrailingMetadata(grpc.Metadata{{"server-trailing-md-key", "server-trailing-md-value"}, {"server-trailing-md-key-bin", "\x00\x03"}})
			return req, nil
		}, nil, nil),
	})
	resp, call, err := ch.UnaryUnary(method("Md")).WithCall([]byte("x"), grpc.WithMetadata(grpc.Metadata{
		{"invocation-md-key", "invocation-md-value"},
		{"invocation-md-key-bin", "\x00\x01"},
		{"dup", "1"}, {"dup", "2"},
	}))
	require.NoError(t, err)
	assert.Equal(t, "x", string(resp.([]byte)))
	v, _ := got.Get("invocation-md-key")
	assert.Equal(t, "invocation-md-value", v)
	v, _ = got.Get("invocation-md-key-bin")
	assert.Equal(t, "\x00\x01", v)
	assert.Equal(t, []string{"1", "2"}, got.GetAll("dup"))
	ua, _ := got.Get("user-agent")
	assert.Contains(t, ua, "grpcio-go/")
	assert.Equal(t, grpc.Metadata{{"initial-md-key", "initial-md-value"}, {"initial-md-key-bin", "\x00\x02"}}, call.InitialMetadata())
	assert.Equal(t, grpc.Metadata{{"server-trailing-md-key", "server-trailing-md-value"}, {"server-trailing-md-key-bin", "\x00\x03"}}, call.TrailingMetadata())
}

func TestInvalidMetadataIsRefusedBeforeSending(t *testing.T) {
	calls := 0
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			calls++
			return req, nil
		}, nil, nil),
	})
	mc := ch.UnaryUnary(method("Echo"))
	for _, md := range []grpc.Metadata{{{"InVaLiD", "v"}}, {{"key", "caf\xc3\xa9"}}, {{"", "v"}}, {{":path", "v"}}} {
		_, err := mc.Call([]byte("x"), grpc.WithMetadata(md))
		var mdErr *grpc.InvalidMetadataError
		require.ErrorAs(t, err, &mdErr, "metadata %v", md)
		assert.True(t, strings.HasPrefix(err.Error(), "metadata was invalid: "), err.Error())
	}
	_, err := mc.Call([]byte("x"))
	require.NoError(t, err)
	assert.Equal(t, 1, calls)
}

// metadataHandlers echo the invocation metadata keys starting with "x-" as
// initial metadata and send fixed trailing metadata, in every shape.
func metadataHandlers() map[string]*grpc.RPCMethodHandler {
	reply := func(ctx *grpc.ServicerContext) {
		var echoed grpc.Metadata
		for _, m := range ctx.InvocationMetadata() {
			if strings.HasPrefix(m.Key, "x-") {
				echoed = append(echoed, m)
			}
		}
		if err := ctx.SendInitialMetadata(echoed); err != nil {
			panic(err)
		}
		ctx.SetTrailingMetadata(grpc.Metadata{{"server-trailing-md-key", "server-trailing-md-value"}, {"server-trailing-md-key-bin", "\x00\x03"}})
	}
	one := func(yield func([]byte, error) bool) { yield([]byte("r"), nil) }
	return map[string]*grpc.RPCMethodHandler{
		"UU": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			reply(ctx)
			return req, nil
		}, nil, nil),
		"US": grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			reply(ctx)
			return one
		}, nil, nil),
		"SU": grpc.StreamUnaryRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) ([]byte, error) {
			for range reqs {
			}
			reply(ctx)
			return []byte("r"), nil
		}, nil, nil),
		"SS": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			for range reqs {
			}
			reply(ctx)
			return one
		}, nil, nil),
	}
}

func TestMetadataAllShapes(t *testing.T) {
	_, ch := setup(t, metadataHandlers())
	sent := grpc.Metadata{{"x-invocation-md-key", "invocation-md-value"}, {"x-invocation-md-key-bin", "\x00\x01\xff"}}
	wantTrailing := grpc.Metadata{{"server-trailing-md-key", "server-trailing-md-value"}, {"server-trailing-md-key-bin", "\x00\x03"}}
	md := grpc.WithMetadata(sent)
	check := func(name string, c grpc.Call) {
		t.Helper()
		assert.Equal(t, sent, c.InitialMetadata(), name)
		assert.Equal(t, wantTrailing, c.TrailingMetadata(), name)
		assert.Equal(t, grpc.OK, c.Code(), name)
	}
	_, call, err := grpc.NewUnaryUnary[[]byte, []byte](ch, method("UU")).WithCall([]byte("q"), md)
	require.NoError(t, err)
	check("unary-unary", call)
	_, call, err = grpc.NewStreamUnary[[]byte, []byte](ch, method("SU")).WithCall(bytesSeq("a", "b"), md)
	require.NoError(t, err)
	check("stream-unary", call)
	us, err := grpc.NewUnaryStream[[]byte, []byte](ch, method("US")).Call([]byte("q"), md)
	require.NoError(t, err)
	_, err = collect(t, us)
	require.ErrorIs(t, err, io.EOF)
	check("unary-stream", us)
	ss, err := grpc.NewStreamStream[[]byte, []byte](ch, method("SS")).Call(bytesSeq("a"), md)
	require.NoError(t, err)
	_, err = collect(t, ss)
	require.ErrorIs(t, err, io.EOF)
	check("stream-stream", ss)
	f := grpc.NewUnaryUnary[[]byte, []byte](ch, method("UU")).Future([]byte("q"), md)
	check("future", f)
}

func TestInvalidMetadataAllShapes(t *testing.T) {
	_, ch := setup(t, metadataHandlers())
	bad := grpc.WithMetadata(grpc.Metadata{{"InVaLiD", "UnaryRequestBlockingUnaryResponse"}})
	var mdErr *grpc.InvalidMetadataError
	_, err := grpc.NewUnaryStream[[]byte, []byte](ch, method("US")).Call([]byte("q"), bad)
	require.ErrorAs(t, err, &mdErr)
	_, err = grpc.NewStreamUnary[[]byte, []byte](ch, method("SU")).Call(bytesSeq("a"), bad)
	require.ErrorAs(t, err, &mdErr)
	_, err = grpc.NewStreamStream[[]byte, []byte](ch, method("SS")).Call(bytesSeq("a"), bad)
	require.ErrorAs(t, err, &mdErr)
	err = grpc.NewUnaryUnary[[]byte, []byte](ch, method("UU")).Future([]byte("q"), bad).Exception(-1)
	require.ErrorAs(t, err, &mdErr)
	assert.Equal(t, `metadata was invalid: [{InVaLiD UnaryRequestBlockingUnaryResponse}] (metadata key "InVaLiD" has an illegal character 'I' (keys are lower-case a-z, 0-9, '-', '_', '.'))`, err.Error())
	// Server-side metadata is checked as well.
	_, target := startServer(t, map[string]*grpc.RPCMethodHandler{
		"Bad": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			return req, ctx.SendInitialMetadata(grpc.Metadata{{"bad key", "v"}})
		}, nil, nil),
	})
	ch2 := dial(t, target)
	_, err = ch2.UnaryUnary(method("Bad")).Call([]byte("x"))
	e := rpcError(t, err)
	assert.Equal(t, grpc.Unknown, e.Code())
	assert.True(t, strings.HasPrefix(e.Details(), "Exception calling application: metadata was invalid: "), e.Details())
}
