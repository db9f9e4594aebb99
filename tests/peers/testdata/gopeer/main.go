// Command gopeer is grpc-go on the other end of grpcio-go (tests/peers).
//
// Run without arguments it is a server that grpcio-go's client is tested
// against. It listens on 127.0.0.1:0, prints "PORT <n>" on stdout and serves
// raw-bytes methods through grpc.UnknownServiceHandler:
//
//	/peer.Peer/Echo    echoes the request; its initial metadata echoes every
//	                   request key starting with "x-"; trailing metadata
//	                   ("trailing-key","trailing-value"),
//	                   ("trailing-key-bin","\x00\xff")
//	/peer.Peer/Status  ends with NOT_FOUND "not here" and the same trailers
//	/peer.Peer/Sleep   waits until the RPC's context is done
//	/peer.Peer/CompressionReport
//	                   reads every request, then answers with whether each
//	                   arrived compressed on the wire, in order: "1,0,1"
//	                   ("" for no requests)
//	anything else      UNIMPLEMENTED "unknown method <path>"
//
// It accepts gzip-compressed requests. It exits when its standard input
// reaches end of file, so that it does not outlive a test binary that died
// without killing it.
//
// Run as
//
//	gopeer client TARGET METHOD [REQUEST...]
//
// it is a grpc-go client of a grpcio-go server: it calls METHOD on TARGET as
// a stream (it sends each REQUEST as one message, half-closes, and reads
// every response), accepting gzip, and prints what it received:
//
//	ENCODING <grpc-encoding of the responses, "identity" if none>
//	RESP <compressed 1|0> <length> <sha256 hex>   one line per response
//	STATUS OK | STATUS <code name> <message>
//
// It exits with status 0 whenever it could print the status, 1 otherwise.
package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/encoding/gzip" // registers "gzip", both ways
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/stats"
	"google.golang.org/grpc/status"
)

// rawCodec moves []byte through unchanged.
type rawCodec struct{}

func (rawCodec) Marshal(v any) ([]byte, error) {
	b, ok := v.([]byte)
	if !ok {
		return nil, fmt.Errorf("rawCodec: cannot marshal %T", v)
	}
	return b, nil
}

func (rawCodec) Unmarshal(data []byte, v any) error {
	p, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("rawCodec: cannot unmarshal into %T", v)
	}
	*p = append([]byte{}, data...) // data may be reused by grpc-go
	return nil
}

func (rawCodec) Name() string { return "raw" }

// wireLog is what one RPC received: for each message, in order, whether it
// carried the compressed flag, and the grpc-encoding of its headers.
type wireLog struct {
	mu         sync.Mutex
	compressed []bool
	encoding   string
}

type wireLogKey struct{}

// logOf is the wireLog of the RPC of ctx, or nil.
func logOf(ctx context.Context) *wireLog {
	l, _ := ctx.Value(wireLogKey{}).(*wireLog)
	return l
}

func (l *wireLog) flags() []bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]bool(nil), l.compressed...)
}

// wireSpy is a stats.Handler that fills in the wireLog of each RPC; a
// client puts the log in the RPC's context itself, to read it afterwards.
type wireSpy struct{}

func (wireSpy) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context {
	if logOf(ctx) != nil {
		return ctx
	}
	return context.WithValue(ctx, wireLogKey{}, &wireLog{})
}

func (wireSpy) HandleRPC(ctx context.Context, s stats.RPCStats) {
	l := logOf(ctx)
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch s := s.(type) {
	case *stats.InPayload:
		// grpc-go reports the message's length on the wire apart from its
		// decoded length only when it carried the compressed flag (and was
		// decompressed).
		l.compressed = append(l.compressed, s.CompressedLength != s.Length)
	case *stats.InHeader:
		l.encoding = s.Compression
	}
}

func (wireSpy) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }
func (wireSpy) HandleConn(context.Context, stats.ConnStats)                       {}

func flagList(flags []bool) string {
	out := make([]string, len(flags))
	for i, f := range flags {
		out[i] = "0"
		if f {
			out[i] = "1"
		}
	}
	return strings.Join(out, ",")
}

func trailers() metadata.MD {
	return metadata.Pairs("trailing-key", "trailing-value", "trailing-key-bin", "\x00\xff")
}

func handle(_ any, stream grpc.ServerStream) error {
	method, _ := grpc.MethodFromServerStream(stream)
	switch method {
	case "/peer.Peer/Echo":
		var req []byte
		if err := stream.RecvMsg(&req); err != nil {
			return err
		}
		in, _ := metadata.FromIncomingContext(stream.Context())
		out := metadata.MD{}
		for k, vs := range in {
			if strings.HasPrefix(k, "x-") {
				out.Append(k, vs...)
			}
		}
		if err := stream.SendHeader(out); err != nil {
			return err
		}
		stream.SetTrailer(trailers())
		return stream.SendMsg(req)
	case "/peer.Peer/Status":
		var req []byte
		if err := stream.RecvMsg(&req); err != nil {
			return err
		}
		stream.SetTrailer(trailers())
		return status.Error(codes.NotFound, "not here")
	case "/peer.Peer/Sleep":
		<-stream.Context().Done()
		return status.FromContextError(stream.Context().Err()).Err()
	case "/peer.Peer/CompressionReport":
		for {
			var req []byte
			err := stream.RecvMsg(&req)
			if err == io.EOF {
				break
			}
			if err != nil {
				return err
			}
		}
		l := logOf(stream.Context())
		if l == nil {
			return status.Error(codes.Internal, "no wire log")
		}
		// Each message's stats are handled before RecvMsg returns it.
		return stream.SendMsg([]byte(flagList(l.flags())))
	default:
		return status.Errorf(codes.Unimplemented, "unknown method %s", method)
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "client" {
		if len(os.Args) < 4 {
			log.Fatal("usage: gopeer client TARGET METHOD [REQUEST...]")
		}
		if err := client(os.Args[2], os.Args[3], os.Args[4:]); err != nil {
			log.Fatal(err)
		}
		return
	}
	serve()
}

// client calls method on target as a stream with reqs and prints what came
// back (see the package comment).
func client(target, method string, reqs []string) error {
	conn, err := grpc.NewClient(target,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(wireSpy{}),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		return err
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l := &wireLog{}
	ctx = context.WithValue(ctx, wireLogKey{}, l)
	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, method)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if err := stream.SendMsg([]byte(r)); err != nil {
			break // the status comes from RecvMsg
		}
	}
	if err := stream.CloseSend(); err != nil {
		return err
	}
	var lines []string
	for i := 0; ; i++ {
		var resp []byte
		err = stream.RecvMsg(&resp)
		if err != nil {
			break
		}
		// The stats of a message are handled before RecvMsg returns it.
		flags := l.flags()
		if len(flags) != i+1 {
			return fmt.Errorf("response %d: %d payloads in the stats", i, len(flags))
		}
		c := 0
		if flags[i] {
			c = 1
		}
		lines = append(lines, fmt.Sprintf("RESP %d %d %x", c, len(resp), sha256.Sum256(resp)))
	}
	l.mu.Lock()
	enc := l.encoding
	l.mu.Unlock()
	if enc == "" {
		enc = "identity"
	}
	fmt.Printf("ENCODING %s\n", enc)
	for _, line := range lines {
		fmt.Println(line)
	}
	if err == io.EOF {
		fmt.Println("STATUS OK")
	} else {
		st := status.Convert(err)
		fmt.Printf("STATUS %s %s\n", st.Code(), st.Message())
	}
	return nil
}

func serve() {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer(grpc.ForceServerCodec(rawCodec{}), grpc.UnknownServiceHandler(handle),
		grpc.StatsHandler(wireSpy{}))
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		s.Stop()
	}()
	fmt.Printf("PORT %d\n", lis.Addr().(*net.TCPAddr).Port)
	if err := s.Serve(lis); err != nil && err != grpc.ErrServerStopped {
		log.Fatal(err)
	}
}
