// Command gopeer is a grpc-go server that grpcio-go's client is tested
// against (tests/peers). It listens on 127.0.0.1:0, prints "PORT <n>" on
// stdout and serves raw-bytes methods through grpc.UnknownServiceHandler:
//
//	/peer.Peer/Echo    echoes the request; its initial metadata echoes every
//	                   request key starting with "x-"; trailing metadata
//	                   ("trailing-key","trailing-value"),
//	                   ("trailing-key-bin","\x00\xff")
//	/peer.Peer/Status  ends with NOT_FOUND "not here" and the same trailers
//	/peer.Peer/Sleep   waits until the RPC's context is done
//	anything else      UNIMPLEMENTED "unknown method <path>"
//
// It exits when its standard input reaches end of file, so that it does not
// outlive a test binary that died without killing it.
package main

import (
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
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
	default:
		return status.Errorf(codes.Unimplemented, "unknown method %s", method)
	}
}

func main() {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	s := grpc.NewServer(grpc.ForceServerCodec(rawCodec{}), grpc.UnknownServiceHandler(handle))
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		s.Stop()
	}()
	fmt.Printf("PORT %d\n", lis.Addr().(*net.TCPAddr).Port)
	if err := s.Serve(lis); err != nil && err != grpc.ErrServerStopped {
		log.Fatal(err)
	}
}
