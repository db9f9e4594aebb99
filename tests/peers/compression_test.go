package peers_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"iter"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// compressible is 1 KiB of text that starts with seed and then repeats:
// gzip shrinks it, so C-core sends it compressed when asked to.
func compressible(seed string) []byte {
	b := []byte(seed + ":")
	for len(b) < 1024 {
		b = append(b, " the same words over and over again"...)
	}
	return b[:1024]
}

// TestCompressionToGoPeer shows on the wire, as grpc-go's stats see each
// message it receives, that grpcio-go's client compresses request messages
// when WithCompression asks for gzip, on the call or on the channel, and
// sends them plain otherwise.
func TestCompressionToGoPeer(t *testing.T) {
	leakcheck.Check(t)
	bin := requirePeer(t, grpcGoServer)
	target := startGoPeer(t, bin)
	plain := dial(t, target)
	gzipped := grpctest.Dial(t, target, grpc.WithCompression(grpc.Gzip))
	const report = "/peer.Peer/CompressionReport"
	reqs := []string{"first", "second", "third"}
	requests := func(yield func([]byte) bool) {
		for _, r := range reqs {
			if !yield(compressible(r)) {
				return
			}
		}
	}

	for _, c := range []struct {
		name string
		ch   *grpc.Channel
		opts []grpc.CallOption
		want string // the flags of the three requests
	}{
		{"PlainChannel", plain, nil, "0,0,0"},
		{"PlainChannel/CallGzip", plain, []grpc.CallOption{grpc.WithCompression(grpc.Gzip)}, "1,1,1"},
		{"PlainChannel/CallNoCompression", plain, []grpc.CallOption{grpc.WithCompression(grpc.NoCompression)}, "0,0,0"},
		{"GzipChannel", gzipped, nil, "1,1,1"},
		{"GzipChannel/CallGzip", gzipped, []grpc.CallOption{grpc.WithCompression(grpc.Gzip)}, "1,1,1"},
		{"GzipChannel/CallNoCompression", gzipped, []grpc.CallOption{grpc.WithCompression(grpc.NoCompression)}, "0,0,0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := append([]grpc.CallOption{callTimeout}, c.opts...)
			one := c.want[:1]

			// stream-unary: three requests.
			resp, err := grpc.NewStreamUnary[[]byte, []byte](c.ch, report).Call(requests, opts...)
			require.NoError(t, err)
			assert.Equal(t, c.want, string(resp), "stream-unary: compressed flags of the requests")

			// stream-stream: the same three.
			it, err := grpc.NewStreamStream[[]byte, []byte](c.ch, report).Call(requests, opts...)
			require.NoError(t, err)
			got, err := drain(it)
			assert.ErrorIs(t, err, io.EOF)
			assert.Equal(t, [][]byte{[]byte(c.want)}, got, "stream-stream: compressed flags of the requests")

			// unary-unary and unary-stream: one request.
			uresp, err := grpc.NewUnaryUnary[[]byte, []byte](c.ch, report).Call(compressible("unary"), opts...)
			require.NoError(t, err)
			assert.Equal(t, one, string(uresp), "unary-unary: compressed flag of the request")
			it, err = grpc.NewUnaryStream[[]byte, []byte](c.ch, report).Call(compressible("unary"), opts...)
			require.NoError(t, err)
			got, err = drain(it)
			assert.ErrorIs(t, err, io.EOF)
			assert.Equal(t, [][]byte{[]byte(one)}, got, "unary-stream: compressed flag of the request")
		})
	}

	// No requests: nothing to report.
	resp, err := grpc.NewStreamUnary[[]byte, []byte](gzipped, report).Call(seqOf(), callTimeout)
	require.NoError(t, err)
	assert.Equal(t, "", string(resp))
}

// goClientResult is what `gopeer client` printed.
type goClientResult struct {
	encoding string   // grpc-encoding of the responses
	flags    []string // "1" or "0" per response: compressed on the wire
	resps    []string // "<length> <sha256 hex>" per response
	status   string   // "OK", or "<grpc-go code name> <message>"
}

// runGoClient runs grpc-go's client (`gopeer client`) against target.
func runGoClient(t *testing.T, bin, target, method string, reqs ...string) goClientResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, append([]string{"client", target, method}, reqs...)...).CombinedOutput()
	require.NoError(t, err, "gopeer client %s %v:\n%s", method, reqs, out)
	var r goClientResult
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		switch f := strings.SplitN(l, " ", 2); f[0] {
		case "ENCODING":
			r.encoding = f[1]
		case "RESP":
			flag, rest, _ := strings.Cut(f[1], " ")
			r.flags = append(r.flags, flag)
			r.resps = append(r.resps, rest)
		case "STATUS":
			r.status = f[1]
		default:
			t.Fatalf("gopeer client printed %q:\n%s", l, out)
		}
	}
	return r
}

// describe is how `gopeer client` prints a response: "<length> <sha256>".
func describe(b []byte) string { return fmt.Sprintf("%d %x", len(b), sha256.Sum256(b)) }

// compressionHandlers are the methods of /peers.Compression/. Each unary-
// stream method sends four responses, compressible("<request>-<i>"), after
// doing to its context what its name says; Bidi answers each request with
// compressible(request) after SetCompression(Gzip), disabling the
// compression of the answers to requests that start with "plain". The
// Unary methods (unary-unary) answer compressible(request) and the Join
// methods (stream-unary) compressible of the requests joined with "+",
// after doing what their names say.
func compressionHandlers() map[string]*grpc.RPCMethodHandler {
	stream := func(setup func(ctx *grpc.ServicerContext), disableBefore int) *grpc.RPCMethodHandler {
		return grpc.UnaryStreamRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			if setup != nil {
				setup(ctx)
			}
			return func(yield func([]byte, error) bool) {
				for i := range 4 {
					if i == disableBefore {
						ctx.DisableNextMessageCompression()
					}
					if !yield(compressible(fmt.Sprintf("%s-%d", req, i)), nil) {
						return
					}
				}
			}
		}, nil, nil)
	}
	setGzip := func(ctx *grpc.ServicerContext) { ctx.SetCompression(grpc.Gzip) }
	setNone := func(ctx *grpc.ServicerContext) { ctx.SetCompression(grpc.NoCompression) }
	disable := func(ctx *grpc.ServicerContext) { ctx.DisableNextMessageCompression() }
	unary := func(setup ...func(*grpc.ServicerContext)) *grpc.RPCMethodHandler {
		return grpc.UnaryUnaryRPCMethodHandler(func(req []byte, ctx *grpc.ServicerContext) ([]byte, error) {
			for _, f := range setup {
				f(ctx)
			}
			return compressible(string(req)), nil
		}, nil, nil)
	}
	join := func(setup ...func(*grpc.ServicerContext)) *grpc.RPCMethodHandler {
		return grpc.StreamUnaryRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) ([]byte, error) {
			var parts []string
			for req, err := range reqs {
				if err != nil {
					return nil, err
				}
				parts = append(parts, string(req))
			}
			for _, f := range setup {
				f(ctx)
			}
			return compressible(strings.Join(parts, "+")), nil
		}, nil, nil)
	}
	return map[string]*grpc.RPCMethodHandler{
		"UnaryDefault":         unary(),
		"UnarySetGzip":         unary(setGzip),
		"UnarySetNone":         unary(setNone),
		"UnaryDisable":         unary(disable),
		"UnarySetGzipDisable":  unary(setGzip, disable),
		"JoinDefault":          join(),
		"JoinSetGzip":          join(setGzip),
		"JoinDisable":          join(disable),
		"Default":              stream(nil, -1),
		"SetGzip":              stream(setGzip, -1),
		"SetNone":              stream(setNone, -1),
		"DisableSecond":        stream(nil, 1),
		"SetGzipDisableSecond": stream(setGzip, 1),
		"Bidi": grpc.StreamStreamRPCMethodHandler(func(reqs iter.Seq2[[]byte, error], ctx *grpc.ServicerContext) iter.Seq2[[]byte, error] {
			ctx.SetCompression(grpc.Gzip)
			return func(yield func([]byte, error) bool) {
				for req, err := range reqs {
					if err != nil {
						yield(nil, err)
						return
					}
					if strings.HasPrefix(string(req), "plain") {
						ctx.DisableNextMessageCompression()
					}
					if !yield(compressible(string(req)), nil) {
						return
					}
				}
			}
		}, nil, nil),
	}
}

// TestCompressionFromServer shows on the wire, as grpc-go's client stats
// see each response message, that a grpcio-go server compresses responses
// when it was created with WithCompression(Gzip) or its handler called
// SetCompression(Gzip), sends them plain otherwise, and sends exactly the
// next message plain after DisableNextMessageCompression.
func TestCompressionFromServer(t *testing.T) {
	leakcheck.Check(t)
	bin := requirePeer(t, grpcGoServer)
	_, plainServer := grpctest.StartServer(t, "peers.Compression", compressionHandlers())
	_, gzipServer := grpctest.StartServer(t, "peers.Compression", compressionHandlers(), grpc.WithCompression(grpc.Gzip))

	for _, c := range []struct {
		server, target, method string
		reqs                   []string
		wantFlags              string
		wantEncoding           string
	}{
		{"plain", plainServer, "UnaryDefault", []string{"u"}, "0", "identity"},
		{"plain", plainServer, "UnarySetGzip", []string{"u"}, "1", "gzip"},
		{"plain", plainServer, "UnarySetGzipDisable", []string{"u"}, "0", "gzip"},
		{"plain", plainServer, "JoinDefault", []string{"j", "k"}, "0", "identity"},
		{"plain", plainServer, "JoinSetGzip", []string{"j", "k"}, "1", "gzip"},
		{"gzip", gzipServer, "UnaryDefault", []string{"u"}, "1", "gzip"},
		{"gzip", gzipServer, "UnarySetNone", []string{"u"}, "0", "identity"},
		{"gzip", gzipServer, "UnaryDisable", []string{"u"}, "0", "gzip"},
		{"gzip", gzipServer, "JoinDefault", []string{"j", "k"}, "1", "gzip"},
		{"gzip", gzipServer, "JoinDisable", []string{"j", "k"}, "0", "gzip"},
		{"plain", plainServer, "Default", []string{"r"}, "0,0,0,0", "identity"},
		{"plain", plainServer, "SetGzip", []string{"r"}, "1,1,1,1", "gzip"},
		{"plain", plainServer, "SetNone", []string{"r"}, "0,0,0,0", "identity"},
		{"plain", plainServer, "DisableSecond", []string{"r"}, "0,0,0,0", "identity"},
		{"plain", plainServer, "SetGzipDisableSecond", []string{"r"}, "1,0,1,1", "gzip"},
		{"plain", plainServer, "Bidi", []string{"a", "plain-b", "c", "plain-d", "plain-e", "f"}, "1,0,1,0,0,1", "gzip"},
		{"gzip", gzipServer, "Default", []string{"r"}, "1,1,1,1", "gzip"},
		{"gzip", gzipServer, "SetGzip", []string{"r"}, "1,1,1,1", "gzip"},
		{"gzip", gzipServer, "SetNone", []string{"r"}, "0,0,0,0", "identity"},
		{"gzip", gzipServer, "DisableSecond", []string{"r"}, "1,0,1,1", "gzip"},
		{"gzip", gzipServer, "SetGzipDisableSecond", []string{"r"}, "1,0,1,1", "gzip"},
		{"gzip", gzipServer, "Bidi", []string{"plain-a", "b"}, "0,1", "gzip"},
	} {
		t.Run(c.server+"/"+c.method, func(t *testing.T) {
			r := runGoClient(t, bin, c.target, "/peers.Compression/"+c.method, c.reqs...)
			assert.Equal(t, "OK", r.status)
			var want []string
			switch {
			case c.method == "Bidi":
				for _, req := range c.reqs {
					want = append(want, describe(compressible(req)))
				}
			case strings.HasPrefix(c.method, "Unary"):
				want = []string{describe(compressible(c.reqs[0]))}
			case strings.HasPrefix(c.method, "Join"):
				want = []string{describe(compressible(strings.Join(c.reqs, "+")))}
			default:
				for i := range 4 {
					want = append(want, describe(compressible(fmt.Sprintf("%s-%d", c.reqs[0], i))))
				}
			}
			assert.Equal(t, want, r.resps, "the responses")
			assert.Equal(t, c.wantFlags, strings.Join(r.flags, ","), "compressed flags of the responses")
			assert.Equal(t, c.wantEncoding, r.encoding, "grpc-encoding of the responses")
		})
	}
}
