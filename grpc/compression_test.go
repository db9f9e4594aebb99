package grpc_test

import (
	"bytes"
	"iter"
	"testing"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompressionRoundTrip(t *testing.T) {
	leakcheck.Check(t)
	algs := []grpc.Compression{grpc.NoCompression, grpc.Deflate, grpc.Gzip}
	payload := bytes.Repeat([]byte("compressible "), 1000)
	for _, server := range algs {
		_, target := startServer(t, map[string]*grpc.RPCMethodHandler{
			"Echo": grpc.UnaryUnaryRPCMethodHandler(echo, nil, nil),
			"Set": grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
				ctx.SetCompression(grpc.Deflate)
				return req, nil
			}, nil, nil),
		}, grpc.WithCompression(server))
		for _, channel := range algs {
			ch := dial(t, target, grpc.WithCompression(channel))
			for _, call := range algs {
				for _, m := range []string{"Echo", "Set"} {
					resp, err := grpc.NewUnaryUnary[[]byte, []byte](ch, method(m)).Call(payload, grpc.WithCompression(call))
					require.NoError(t, err, "server %v channel %v call %v", server, channel, call)
					require.Equal(t, payload, resp)
				}
			}
		}
	}
}

func TestCompressionStreaming(t *testing.T) {
	payload := bytes.Repeat([]byte("compressible "), 500)
	_, ch := setup(t, map[string]*grpc.RPCMethodHandler{
		"Echo": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			ctx.SetCompression(grpc.Gzip)
			return func(yield func([]byte, error) bool) {
				i := 0
				for req, err := range reqs {
					if err != nil {
						yield(nil, err)
						return
					}
					if i%2 == 1 {
						ctx.DisableNextMessageCompression()
					}
					i++
					if !yield(req, nil) {
						return
					}
				}
			}
		}, nil, nil),
	}, grpc.WithCompression(grpc.Deflate))
	for _, c := range []grpc.Compression{grpc.NoCompression, grpc.Deflate, grpc.Gzip} {
		it, err := grpc.NewStreamStream[[]byte, []byte](ch, method("Echo")).Call(func(yield func([]byte) bool) {
			for range 6 {
				if !yield(payload) {
					return
				}
			}
		}, grpc.WithCompression(c))
		require.NoError(t, err)
		n := 0
		for resp, err := range it.All() {
			require.NoError(t, err)
			require.Equal(t, payload, resp)
			n++
		}
		assert.Equal(t, 6, n)
	}
}

// TestLastRequestCompressed checks that ServicerContext.LastRequestCompressed
// tells, per request message, whether it arrived compressed: for a unary
// request read with the call (registered method) and read after it (generic
// handler), and for each message of a request stream.
func TestLastRequestCompressed(t *testing.T) {
	leakcheck.Check(t)
	payload := bytes.Repeat([]byte("compressible "), 1000)
	unary := grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
		if ctx.LastRequestCompressed() {
			return []byte("compressed"), nil
		}
		return []byte("plain"), nil
	}, nil, nil)
	stream := grpc.StreamUnaryRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) ([]byte, error) {
		var got []byte
		for _, err := range reqs {
			if err != nil {
				return nil, err
			}
			if ctx.LastRequestCompressed() {
				got = append(got, 'c')
			} else {
				got = append(got, 'p')
			}
		}
		return got, nil
	}, nil, nil)
	handlers := map[string]*grpc.RPCMethodHandler{"Unary": unary, "Stream": stream}
	_, target := startServer(t, handlers)
	generic := dial(t, target)
	registered := grpctest.ServeAndDial(t, func(s *grpc.Server) { s.AddRegisteredMethodHandlers(testService, handlers) })

	for name, ch := range map[string]*grpc.Channel{"generic": generic, "registered": registered} {
		t.Run(name, func(t *testing.T) {
			for _, c := range []struct {
				req         []byte
				compression grpc.Compression
				want        string
			}{
				{payload, grpc.Gzip, "compressed"},
				{payload, grpc.Deflate, "compressed"},
				{payload, grpc.NoCompression, "plain"},
				// C-core sends a message that does not shrink uncompressed.
				{[]byte("x"), grpc.Gzip, "plain"},
			} {
				resp, err := grpc.NewUnaryUnary[[]byte, []byte](ch, method("Unary")).Call(c.req, grpc.WithCompression(c.compression))
				require.NoError(t, err)
				assert.Equal(t, c.want, string(resp), "%d bytes with %v", len(c.req), c.compression)
			}
			for c, want := range map[grpc.Compression]string{grpc.Gzip: "ccpc", grpc.NoCompression: "pppp"} {
				resp, err := grpc.NewStreamUnary[[]byte, []byte](ch, method("Stream")).Call(func(yield func([]byte) bool) {
					for _, m := range [][]byte{payload, payload, []byte("x"), payload} {
						if !yield(m) {
							return
						}
					}
				}, grpc.WithCompression(c))
				require.NoError(t, err)
				assert.Equal(t, want, string(resp), "stream with %v", c)
			}
		})
	}
}
