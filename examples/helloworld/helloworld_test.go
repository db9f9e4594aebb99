package helloworld_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/grpcio-go/grpcio/examples/helloworld/helloworld"
	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// python3 is the interpreter whose grpcio the interop test uses: Debian's,
// where python3-grpcio and python3-grpc-tools install.
const python3 = "/usr/bin/python3"

const pythonInstall = "sudo apt-get install -y python3-grpcio python3-grpc-tools (or: make deps)"

// TestGreeterPrograms builds greeter_server and greeter_client, serves on a
// free port and greets with grpcio-go's client and with Python grpcio's.
// The server must stop cleanly on SIGTERM at the end.
func TestGreeterPrograms(t *testing.T) {
	bin := buildPrograms(t)
	port := startGreeterServer(t, filepath.Join(bin, "greeter_server"))
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
			out := run(t, exec.Command(filepath.Join(bin, "greeter_client"), tc.args...))
			if out != tc.want {
				t.Errorf("greeter_client %s printed %q, want %q", strings.Join(tc.args, " "), out, tc.want)
			}
		}
	})

	t.Run("PythonClient", func(t *testing.T) {
		requirePythonGRPC(t)
		stubs := t.TempDir()
		run(t, exec.Command(python3, "-m", "grpc_tools.protoc",
			"--proto_path=helloworld", "--python_out="+stubs, "--grpc_python_out="+stubs,
			"helloworld/helloworld.proto"))
		client := exec.Command(python3, "testdata/greeter_client.py", "--target", target, "--name", "Python")
		client.Env = append(os.Environ(), "PYTHONPATH="+stubs)
		if out, want := run(t, client), "Greeter client received: Hello, Python!\n"; out != want {
			t.Errorf("Python greeter_client.py printed %q, want %q", out, want)
		}
	})

	t.Run("ClientUnavailable", func(t *testing.T) {
		// greeter_client fails, saying why, when nothing serves the target.
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // a port that refuses connections
		var stderr bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "greeter_client"), "--target", addr)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Fatalf("greeter_client against a closed port: %v, want exit status 1", err)
		}
		if len(out) != 0 {
			t.Errorf("greeter_client printed %q on failure", out)
		}
		if !strings.Contains(stderr.String(), "StatusCode.UNAVAILABLE") {
			t.Errorf("greeter_client's error does not name UNAVAILABLE:\n%s", stderr.String())
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
	assertStatus(t, err, grpc.Unimplemented, "Method not implemented!")
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
	assertStatus(t, err, grpc.Unimplemented, "Method not found!")
	_, err = ch.UnaryUnary("/helloworld.Farewell/SayHello").Call([]byte{})
	assertStatus(t, err, grpc.Unimplemented, "Method not found!")
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
	s, err := grpc.NewServer(grpc.MaxWorkers(4))
	if err != nil {
		t.Fatal(err)
	}
	helloworld.AddGreeterServicerToServer(servicer, s)
	t.Cleanup(func() {
		select {
		case <-s.Stop(0):
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	port, err := s.AddInsecurePort("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	ch, err := grpc.InsecureChannel(fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ch.Close() })
	return ch
}

func assertStatus(t *testing.T, err error, code grpc.StatusCode, details string) {
	t.Helper()
	var rpcErr *grpc.RpcError
	if !errors.As(err, &rpcErr) {
		t.Fatalf("want *grpc.RpcError, got %T: %v", err, err)
	}
	if rpcErr.Code() != code || rpcErr.Details() != details {
		t.Fatalf("status %v %q, want %v %q", rpcErr.Code(), rpcErr.Details(), code, details)
	}
}

// buildPrograms builds greeter_server and greeter_client into a temporary
// directory and returns it.
func buildPrograms(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	run(t, exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./greeter_server", "./greeter_client"))
	return bin
}

// startGreeterServer runs greeter_server --port 0, waits until it serves
// and returns its port. At the end of the test it sends SIGTERM and checks
// that the server stops gracefully.
func startGreeterServer(t *testing.T, path string) int {
	t.Helper()
	server := exec.Command(path, "--port", "0")
	var stderr bytes.Buffer
	server.Stderr = &stderr
	stdout, err := server.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := server.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		exited <- server.Wait()
	}()
	t.Cleanup(func() {
		if err := server.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("signalling greeter_server: %v", err)
		}
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("greeter_server did not exit cleanly: %v\n%s", err, stderr.String())
			}
		case <-time.After(15 * time.Second):
			server.Process.Kill()
			t.Errorf("greeter_server did not stop within 15s of SIGTERM\n%s", stderr.String())
		}
	})

	const started = "Server started, listening on "
	var port int
	timeout := time.After(30 * time.Second)
	for port == 0 {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("greeter_server exited before serving\n%s", stderr.String())
			}
			if p, found := strings.CutPrefix(line, started); found {
				if port, err = strconv.Atoi(p); err != nil || port <= 0 {
					t.Fatalf("greeter_server printed %q", line)
				}
			}
		case <-timeout:
			t.Fatal("greeter_server did not say it started within 30s")
		}
	}
	go func() { // keep reading, so the server never blocks on a full pipe
		for range lines {
		}
	}()
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("localhost", strconv.Itoa(port)), 10*time.Second)
	if err != nil {
		t.Fatalf("greeter_server said it listens on %d, but: %v", port, err)
	}
	conn.Close()
	return port
}

// run runs cmd with a time limit and returns its standard output, failing
// the test (with its standard error) if it fails.
func run(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := exec.CommandContext(ctx, cmd.Path, cmd.Args[1:]...)
	c.Env, c.Dir = cmd.Env, cmd.Dir
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		t.Fatalf("%s: %v\n%s%s", strings.Join(cmd.Args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// requirePythonGRPC skips the test unless Debian's python3 can import
// grpcio and grpc_tools.
func requirePythonGRPC(t *testing.T) {
	t.Helper()
	out, err := exec.Command(python3, "-c", "import grpc, grpc_tools.protoc").CombinedOutput()
	if err != nil {
		t.Skipf("%s cannot import grpc and grpc_tools (%v: %s); install them with: %s",
			python3, err, strings.TrimSpace(string(out)), pythonInstall)
	}
}
