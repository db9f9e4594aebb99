package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/grpcio-go/grpcio/grpc"
)

// plugin is protoc-gen-grpcio-go, built once from this directory by the
// first test that needs it into a directory TestMain removes.
var plugin struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if plugin.dir != "" {
		os.RemoveAll(plugin.dir)
	}
	os.Exit(code)
}

// pluginPath builds protoc-gen-grpcio-go (once) and returns its path.
func pluginPath(t testing.TB) string {
	t.Helper()
	plugin.once.Do(func() {
		plugin.dir, plugin.err = os.MkdirTemp("", "protoc-gen-grpcio-go-test-")
		if plugin.err != nil {
			return
		}
		path := filepath.Join(plugin.dir, "protoc-gen-grpcio-go")
		out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput()
		if err != nil {
			plugin.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		plugin.path = path
	})
	if plugin.err != nil {
		t.Fatal(plugin.err)
	}
	return plugin.path
}

// protocInstall is how to install protoc, which the tests run.
const protocInstall = "sudo apt-get install -y protobuf-compiler (or: make deps)"

// requireProtoc skips the test, saying how to install it, unless protoc is
// on PATH.
func requireProtoc(t testing.TB) string {
	t.Helper()
	protoc, err := exec.LookPath("protoc")
	if err != nil {
		t.Skipf("protoc not found (%v); install it with: %s", err, protocInstall)
	}
	return protoc
}

// protoc runs protoc in dir with protoc-gen-grpcio-go and args, and returns
// its standard error and whether it succeeded.
func protoc(t testing.TB, dir string, args ...string) (stderr string, ok bool) {
	t.Helper()
	cmd := exec.Command(requireProtoc(t), append([]string{"--plugin=protoc-gen-grpcio-go=" + pluginPath(t)}, args...)...)
	cmd.Dir = dir
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	err := cmd.Run()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("protoc %s: %v", strings.Join(args, " "), err)
	}
	return errBuf.String(), err == nil
}

// mustProtoc is protoc that fails the test if protoc fails.
func mustProtoc(t testing.TB, dir string, args ...string) {
	t.Helper()
	if stderr, ok := protoc(t, dir, args...); !ok {
		t.Fatalf("protoc %s failed:\n%s", strings.Join(args, " "), stderr)
	}
}

// TestVersion checks --version's output, protoc-gen-go's format, and that
// the plugin's version is grpcio-go's.
func TestVersion(t *testing.T) {
	out, err := exec.Command(pluginPath(t), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "protoc-gen-grpcio-go v" + grpc.Version + "\n"; string(out) != want {
		t.Errorf("--version printed %q, want %q", out, want)
	}
	if version != grpc.Version {
		t.Errorf("plugin version %q, grpcio-go's is %q: keep them the same", version, grpc.Version)
	}
}

// TestHelp checks that --help points to the documentation.
func TestHelp(t *testing.T) {
	out, err := exec.Command(pluginPath(t), "--help").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "docs/codegen.md") {
		t.Errorf("--help printed %q, want a pointer to docs/codegen.md", out)
	}
}

// TestAio checks that aio=true fails with a clear message until package aio
// exists, and that aio=false is the default's output.
func TestAio(t *testing.T) {
	out := t.TempDir()
	stderr, ok := protoc(t, "testdata", "--grpcio-go_out="+out, "--grpcio-go_opt=paths=source_relative,aio=true", "shapes/shapes.proto")
	if ok {
		t.Fatal("protoc with aio=true succeeded")
	}
	if want := "aio stubs need package aio, which grpcio-go does not have yet"; !strings.Contains(stderr, want) {
		t.Errorf("protoc with aio=true said %q, want it to contain %q", stderr, want)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("aio=true wrote %d entries", len(entries))
	}

	mustProtoc(t, "testdata", "--grpcio-go_out="+out, "--grpcio-go_opt=paths=source_relative,aio=false", "shapes/shapes.proto")
	got, err := os.ReadFile(filepath.Join(out, "shapes", "shapes_grpcio.pb.go"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("testdata", "shapes", "shapes_grpcio.pb.go"))
	if err != nil {
		t.Fatal(err)
	}
	if normalize(got) != normalize(want) {
		t.Error("aio=false output differs from the default's (testdata/shapes/shapes_grpcio.pb.go)")
	}
}

// TestUnknownOption checks that a misspelt option is an error, not ignored.
func TestUnknownOption(t *testing.T) {
	stderr, ok := protoc(t, "testdata", "--grpcio-go_out="+t.TempDir(), "--grpcio-go_opt=paths=source_relative,aoi=true", "shapes/shapes.proto")
	if ok || !strings.Contains(stderr, "aoi") {
		t.Errorf("protoc with aoi=true: ok=%v, stderr %q; want a failure naming aoi", ok, stderr)
	}
}

// TestPathsImport checks protogen's default paths=import: the file goes
// under the go_package import path.
func TestPathsImport(t *testing.T) {
	out := t.TempDir()
	mustProtoc(t, "testdata", "--grpcio-go_out="+out, "shapes/shapes.proto")
	if _, err := os.Stat(filepath.Join(out, "github.com/grpcio-go/grpcio/cmd/protoc-gen-grpcio-go/testdata/shapes/shapes_grpcio.pb.go")); err != nil {
		t.Error(err)
	}
	out = t.TempDir()
	mustProtoc(t, "testdata", "--grpcio-go_out="+out, "--grpcio-go_opt=module=github.com/grpcio-go/grpcio", "shapes/shapes.proto")
	if _, err := os.Stat(filepath.Join(out, "cmd/protoc-gen-grpcio-go/testdata/shapes/shapes_grpcio.pb.go")); err != nil {
		t.Error(err)
	}
}

// TestNoServices checks that files without services get no file at all.
func TestNoServices(t *testing.T) {
	out := t.TempDir()
	mustProtoc(t, "testdata", "--grpcio-go_out="+out, "--grpcio-go_opt=paths=source_relative", "messages/messages.proto", "grpc/grpc.proto")
	var files []string
	filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if len(files) != 0 {
		t.Errorf("files without services gave %v", files)
	}
}

// TestNameClashes checks that Go names that would clash are refused with a
// message saying what to rename, where grpcio (whose stubs live in a module
// of their own) has no clash.
func TestNameClashes(t *testing.T) {
	for _, tc := range []struct {
		proto string
		want  string
	}{
		{"clash/methods.proto", "clash/methods.proto: service grpcio_go.testing.clash.Clash: methods say_hello and SayHello both have the Go name SayHello; rename one of them"},
		{"clash/message.proto", "clash/message.proto: service grpcio_go.testing.clash2.Greeter needs the Go name GreeterStub, which message grpcio_go.testing.clash2.GreeterStub already has in Go package"},
	} {
		stderr, ok := protoc(t, "testdata", "--grpcio-go_out="+t.TempDir(), "--grpcio-go_opt=paths=source_relative", tc.proto)
		if ok || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: ok=%v, stderr %q; want a failure with %q", tc.proto, ok, stderr, tc.want)
		}
	}
}

func TestPythonModule(t *testing.T) {
	for path, want := range map[string]string{
		"helloworld.proto":            "helloworld_pb2_grpc",
		"grpc/testing/test.proto":     "grpc.testing.test_pb2_grpc",
		"my-protos/route-guide.proto": "my_protos.route_guide_pb2_grpc",
		"old.protodevel":              "old_pb2_grpc",
	} {
		if got := pythonModule(path); got != want {
			t.Errorf("pythonModule(%q) = %q, want %q", path, got, want)
		}
	}
}
