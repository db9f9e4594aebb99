package helloworld_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/grpcio-go/grpcio/examples/helloworld/helloworld"
	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// TestGreeterPrograms builds greeter_server and greeter_client, serves on a
// free port and greets with grpcio-go's client and with Python grpcio's.
// The server must stop cleanly on SIGTERM at the end.
func TestGreeterPrograms(t *testing.T) {
	bin := grpctest.BuildPrograms(t, "./greeter_server", "./greeter_client")
	server := exec.Command(filepath.Join(bin, "greeter_server"), "--port", "0")
	port := grpctest.StartServerProgram(t, "greeter_server", server)
	target := "localhost:" + strconv.Itoa(port)

	t.Run("GoClient", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"--target", target}, "Greeter client received: Hello, world!\n"},
			{[]string{"--target", target, "--name", "you"}, "Greeter client received: Hello, you!\n"},
			{[]string{"--target=" + target, "--name=Zoë Ünïcode"}, "Greeter client received: Hello, Zoë Ünïcode!\n"},
		} {
			out := grpctest.Run(t, exec.Command(filepath.Join(bin, "greeter_client"), tc.args...))
			if out != tc.want {
				t.Errorf("greeter_client %s printed %q, want %q", strings.Join(tc.args, " "), out, tc.want)
			}
		}
	})

	t.Run("PythonClient", func(t *testing.T) {
		stubs := grpctest.PythonStubs(t, "helloworld/helloworld.proto")
		client := exec.Command(grpctest.Python3, "testdata/greeter_client.py", "--target", target, "--name", "Python")
		client.Env = append(os.Environ(), "PYTHONPATH="+stubs)
		if out, want := grpctest.Run(t, client), "Greeter client received: Hello, Python!\n"; out != want {
			t.Errorf("Python greeter_client.py printed %q, want %q", out, want)
		}
	})

	t.Run("ClientUnavailable", func(t *testing.T) {
		// greeter_client fails, saying why, when nothing serves the target.
		client := exec.Command(filepath.Join(bin, "greeter_client"), "--target", grpctest.ClosedPort(t))
		out, stderr := grpctest.RunFailing(t, client, 1)
		if len(out) != 0 {
			t.Errorf("greeter_client printed %q on failure", out)
		}
		if !strings.Contains(stderr, "StatusCode.UNAVAILABLE") {
			t.Errorf("greeter_client's error does not name UNAVAILABLE:\n%s", stderr)
		}
	})
}

// TestStubAndServicer runs the stub against a servicer in-process.
func TestStubAndServicer(t *testing.T) {
	leakcheck.Check(t)
	stub := helloworld.NewGreeterStub(serve(t, greeter{}))
	reply, call, err := stub.SayHello.WithCall(&helloworld.HelloRequest{Name: "in-process"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := reply.GetMessage(), "Hello, in-process!"; got != want {
		t.Errorf("reply %q, want %q", got, want)
	}
	if call.Code() != grpc.OK || call.Details() != "" {
		t.Errorf("status %v %q, want OK \"\"", call.Code(), call.Details())
	}
}

// TestUnimplementedGreeterServicer checks grpcio's generated-servicer
// status: UNIMPLEMENTED "Method not implemented!".
func TestUnimplementedGreeterServicer(t *testing.T) {
	leakcheck.Check(t)
	stub := helloworld.NewGreeterStub(serve(t, helloworld.UnimplementedGreeterServicer{}))
	reply, err := stub.SayHello.Call(&helloworld.HelloRequest{Name: "nobody"})
	grpctest.AssertStatus(t, err, grpc.Unimplemented, "Method not implemented!")
	if reply != nil {
		t.Errorf("reply %v with the error, want nil", reply)
	}
}

// TestPartialServicer checks that a servicer embedding
// UnimplementedGreeterServicer uses its own methods, and that methods the
// service lacks give grpcio's "Method not found!".
func TestPartialServicer(t *testing.T) {
	leakcheck.Check(t)
	ch := serve(t, greeter{})
	_, err := ch.UnaryUnary("/helloworld.Greeter/SayGoodbye").Call([]byte{})
	grpctest.AssertStatus(t, err, grpc.Unimplemented, "Method not found!")
	_, err = ch.UnaryUnary("/helloworld.Farewell/SayHello").Call([]byte{})
	grpctest.AssertStatus(t, err, grpc.Unimplemented, "Method not found!")
}

// TestWireFormat checks the bytes on the wire against grpc's
// helloworld.proto by hand: field 1 of both messages is a string.
func TestWireFormat(t *testing.T) {
	leakcheck.Check(t)
	ch := serve(t, greeter{})
	resp, err := ch.UnaryUnary("/helloworld.Greeter/SayHello").Call([]byte("\x0a\x04wire"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resp.([]byte), []byte("\x0a\x0cHello, wire!"); !bytes.Equal(got, want) {
		t.Errorf("raw reply %q, want %q", got, want)
	}
	b, err := proto.Marshal(&helloworld.HelloRequest{Name: "wire"})
	if err != nil || string(b) != "\x0a\x04wire" {
		t.Errorf("HelloRequest{Name: wire} marshals to %q, %v", b, err)
	}
}

// greeter is greeter_server's servicer.
type greeter struct {
	helloworld.UnimplementedGreeterServicer
}

func (greeter) SayHello(req *helloworld.HelloRequest, ctx *grpc.ServicerContext) (*helloworld.HelloReply, error) {
	return &helloworld.HelloReply{Message: "Hello, " + req.GetName() + "!"}, nil
}

// serve serves servicer on 127.0.0.1:0 and returns a channel to it; both
// are closed at the end of the test.
func serve(t *testing.T, servicer helloworld.GreeterServicer) *grpc.Channel {
	t.Helper()
	return grpctest.ServeAndDial(t, func(s *grpc.Server) {
		helloworld.AddGreeterServicerToServer(servicer, s)
	}, grpc.MaxWorkers(4))
}
