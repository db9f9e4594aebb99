package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/grpcio-go/grpcio/internal/grpctest"
)

// grpcProtoDir is where Debian's grpc-proto package installs gRPC's .proto
// files.
const grpcProtoDir = "/usr/share/grpc-proto"

// TestGrpcTestingProtos generates the code of gRPC's own test services
// (grpc/testing/*.proto: TestService, UnimplementedService, the benchmark
// and worker services, several services per file, messages shared across
// files, an import from the grpc.core package and well-known types) with
// protoc-gen-go and protoc-gen-grpcio-go, then builds and vets it.
func TestGrpcTestingProtos(t *testing.T) {
	testingDir := filepath.Join(grpcProtoDir, "grpc", "testing")
	protos, _ := filepath.Glob(filepath.Join(testingDir, "*.proto"))
	if len(protos) == 0 {
		t.Skipf("no .proto files in %s; install them with: sudo apt-get install -y grpc-proto (or: make deps)", testingDir)
	}
	requireProtoc(t)

	// The generated packages go in a directory of this module, so that they
	// build against this repository's grpc package; testdata keeps them out
	// of ./... and testdata/.gitignore out of git.
	dir, err := os.MkdirTemp("testdata", "tmp-grpc-testing-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	importBase := "github.com/grpcio-go/grpcio/cmd/protoc-gen-grpcio-go/" + filepath.ToSlash(dir)

	// The files have no go_package: M options give each directory its Go
	// package, for both plugins.
	files := []string{"grpc/core/stats.proto"}
	for _, p := range protos {
		files = append(files, "grpc/testing/"+filepath.Base(p))
	}
	var mOpts []string
	for _, f := range files {
		d := filepath.Dir(f)
		mOpts = append(mOpts, "M"+f+"="+importBase+"/"+d+";"+strings.ReplaceAll(d, "/", "_"))
	}
	opts := "paths=source_relative," + strings.Join(mOpts, ",")

	bin := t.TempDir()
	grpctest.Run(t, exec.Command("go", "build", "-o", filepath.Join(bin, "protoc-gen-go"), "google.golang.org/protobuf/cmd/protoc-gen-go"))
	mustProtoc(t, grpcProtoDir, append([]string{
		"--plugin=protoc-gen-go=" + filepath.Join(bin, "protoc-gen-go"),
		"--go_out=" + abs, "--go_opt=" + opts,
		"--grpcio-go_out=" + abs, "--grpcio-go_opt=" + opts,
	}, files...)...)

	stubs, _ := filepath.Glob(filepath.Join(dir, "grpc", "testing", "*_grpcio.pb.go"))
	var names []string
	for _, s := range stubs {
		names = append(names, filepath.Base(s))
	}
	for _, want := range []string{"test_grpcio.pb.go", "benchmark_service_grpcio.pb.go", "worker_service_grpcio.pb.go", "report_qps_scenario_service_grpcio.pb.go"} {
		if !strings.Contains(strings.Join(names, " "), want) {
			t.Errorf("no %s among the generated files %v", want, names)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "grpc", "testing", "messages_grpcio.pb.go")); !os.IsNotExist(err) {
		t.Errorf("messages.proto has no services, but: %v", err)
	}

	pkgs := []string{"./" + filepath.ToSlash(filepath.Join(dir, "grpc", "testing")), "./" + filepath.ToSlash(filepath.Join(dir, "grpc", "core"))}
	grpctest.Run(t, exec.Command("go", append([]string{"build"}, pkgs...)...))
	grpctest.Run(t, exec.Command("go", append([]string{"vet"}, pkgs...)...))
}
