package grpctest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Python3 is the interpreter whose grpcio the interop tests use: Debian's,
// where python3-grpcio and python3-grpc-tools install.
const Python3 = "/usr/bin/python3"

// pythonInstall is how to install what RequirePythonGRPC looks for.
const pythonInstall = "sudo apt-get install -y python3-grpcio python3-grpc-tools (or: make deps)"

// RequirePythonGRPC skips the test, saying why and how to install them,
// unless Python3 can import grpcio and grpc_tools.
func RequirePythonGRPC(t testing.TB) {
	t.Helper()
	out, err := exec.Command(Python3, "-c", "import grpc, grpc_tools.protoc").CombinedOutput()
	if err != nil {
		t.Skipf("%s cannot import grpc and grpc_tools (%v: %s); install them with: %s",
			Python3, err, strings.TrimSpace(string(out)), pythonInstall)
	}
}

// PythonStubs skips the test as RequirePythonGRPC does, then generates the
// Python modules of proto (a path relative to the test's directory, whose
// directory is the import path), X_pb2 and X_pb2_grpc, with grpc_tools.protoc
// into a temporary directory removed at the end of the test, and returns
// the directory: the PYTHONPATH for the Python programs.
func PythonStubs(t testing.TB, proto string) string {
	t.Helper()
	RequirePythonGRPC(t)
	stubs := t.TempDir()
	Run(t, exec.Command(Python3, "-m", "grpc_tools.protoc",
		"--proto_path="+filepath.Dir(proto), "--python_out="+stubs, "--grpc_python_out="+stubs,
		proto))
	return stubs
}
