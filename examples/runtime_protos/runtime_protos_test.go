package runtimeprotos_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/grpcio-go/grpcio/internal/grpctest"
)

// TestGreeterPrograms builds greeter_server and greeter_client, which load
// helloworld.proto at run time, serves on a free port from this directory
// (the default proto path) and greets with the Go client, unary and
// streaming, and with a Python grpcio client. The server
// must stop cleanly on SIGTERM at the end.
func TestGreeterPrograms(t *testing.T) {
	bin := grpctest.BuildPrograms(t, "./greeter_server", "./greeter_client")
	server := exec.Command(filepath.Join(bin, "greeter_server"), "--port", "0")
	port := grpctest.StartServerProgram(t, "greeter_server", server)
	target := "localhost:" + strconv.Itoa(port)
	here, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("GoClient", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"--target", target}, "Greeter client received: Hello, you!\n"},
			{[]string{"--target", target, "--name", "Zoë Ünïcode"}, "Greeter client received: Hello, Zoë Ünïcode!\n"},
			{[]string{"--target", target, "--name", "stream", "--stream"},
				"Greeter client received: Hello, stream!\n" +
					"Greeter client received: Hello again, stream!\n" +
					"Greeter client received: Goodbye, stream!\n"},
		} {
			out := grpctest.Run(t, exec.Command(filepath.Join(bin, "greeter_client"), tc.args...))
			if out != tc.want {
				t.Errorf("greeter_client %s printed %q, want %q", strings.Join(tc.args, " "), out, tc.want)
			}
		}
		// From elsewhere, --proto_path says where the .proto file is.
		client := exec.Command(filepath.Join(bin, "greeter_client"), "--target", target, "--proto_path", here)
		client.Dir = t.TempDir()
		if out, want := grpctest.Run(t, client), "Greeter client received: Hello, you!\n"; out != want {
			t.Errorf("greeter_client --proto_path %s printed %q, want %q", here, out, want)
		}
	})

	t.Run("PythonClient", func(t *testing.T) {
		// Python grpcio's stubs are generated from the same file.
		stubs := grpctest.PythonStubs(t, "helloworld.proto")
		client := exec.Command(grpctest.Python3, "testdata/greeter_client.py", target, "Python")
		client.Env = append(os.Environ(), "PYTHONPATH="+stubs, "PYTHONDONTWRITEBYTECODE=1")
		if out, want := grpctest.Run(t, client), "Greeter client received: Hello, Python!\n"; out != want {
			t.Errorf("Python greeter_client.py printed %q, want %q", out, want)
		}
	})

	t.Run("ProtoNotFound", func(t *testing.T) {
		// Without the .proto file, both programs fail saying where they looked.
		dir := t.TempDir()
		for name, args := range map[string][]string{
			"greeter_server": {"--port", "0"},
			"greeter_client": {"--target", grpctest.ClosedPort(t)},
		} {
			cmd := exec.Command(filepath.Join(bin, name), args...)
			cmd.Dir = dir
			out, stderr := grpctest.RunFailing(t, cmd, 1)
			want := name + `: grpc: ProtosAndServices("helloworld.proto"): helloworld.proto not found in the proto path; ` +
				"searched " + filepath.Join(dir, "helloworld.proto") + ": file does not exist\n"
			if out != "" || stderr != want {
				t.Errorf("%s in an empty directory printed %q and %q, want %q on stderr", name, out, stderr, want)
			}
		}
	})

	t.Run("ClientUnavailable", func(t *testing.T) {
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
