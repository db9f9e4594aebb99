package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/grpcio-go/grpcio/internal/grpctest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata with the plugin's output")

// goldenProtos are the .proto files under testdata whose output is checked
// in next to them (make generate writes the same files).
var goldenProtos = []string{
	"shapes/shapes.proto",
	"messages/messages.proto",
	"deprecated/deprecated.proto",
	"grpc/grpc.proto",
	"names/names.proto",
	"oldgen/oldgen.proto",
}

// protocLine is the header line with protoc's version, which depends on the
// protoc installed: golden files are compared without it.
var protocLine = regexp.MustCompile(`(?m)^// \tprotoc +v\S*$`)

func normalize(b []byte) string {
	return protocLine.ReplaceAllString(string(b), "// \tprotoc (version)")
}

// TestGolden runs protoc with the plugin over testdata's .proto files and
// compares each X_grpcio.pb.go with the checked-in one, and checks that
// files without services get none. go test -update rewrites the golden
// files.
func TestGolden(t *testing.T) {
	out := t.TempDir()
	mustProtoc(t, "testdata", append([]string{"--grpcio-go_out=" + out, "--grpcio-go_opt=paths=source_relative"}, goldenProtos...)...)
	for _, proto := range goldenProtos {
		name := strings.TrimSuffix(proto, ".proto") + "_grpcio.pb.go"
		golden := filepath.Join("testdata", name)
		got, gotErr := os.ReadFile(filepath.Join(out, name))
		want, wantErr := os.ReadFile(golden)
		switch {
		case *update && gotErr == nil:
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
		case *update && os.IsNotExist(gotErr):
			if err := os.Remove(golden); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		case gotErr != nil && !os.IsNotExist(gotErr):
			t.Fatal(gotErr)
		case os.IsNotExist(gotErr) && os.IsNotExist(wantErr):
			// No services, no file.
		case os.IsNotExist(gotErr):
			t.Errorf("%s: no output, but %s exists (run go test -update)", proto, golden)
		case wantErr != nil:
			t.Errorf("%s: %v (run go test -update)", proto, wantErr)
		case normalize(got) != normalize(want):
			t.Errorf("%s: output differs from %s (run go test -update, then review the diff):\n%s", proto, golden, firstDiff(normalize(want), normalize(got)))
		}
	}
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n- " + wl + "\n+ " + gl
		}
	}
	return ""
}

// TestGrpcioNames compares the golden files with what grpcio's own
// generator (grpc_tools.protoc --grpc_python_out) writes for the same .proto
// files: the same services, methods, shapes and full method names, and doc
// comments naming grpcio's classes, methods and functions.
func TestGrpcioNames(t *testing.T) {
	grpctest.RequirePythonGRPC(t)
	out := t.TempDir()
	args := []string{"-m", "grpc_tools.protoc", "--proto_path=testdata", "--grpc_python_out=" + out}
	if _, err := os.Stat("/usr/include/google/protobuf/empty.proto"); err == nil {
		args = append(args, "--proto_path=/usr/include")
	}
	grpctest.Run(t, exec.Command(grpctest.Python3, append(args, goldenProtos...)...))

	stubRE := regexp.MustCompile(`(?m)^class (\w+)Stub\(object\):`)
	callableRE := regexp.MustCompile(`self\.(\w+) = channel\.(\w+)\(\s*'([^']+)'`)
	handlerRE := regexp.MustCompile(`'(\w+)': grpc\.(\w+)_rpc_method_handler\(`)
	addRE := regexp.MustCompile(`(?m)^def add_(\w+)Servicer_to_server\(`)
	// Doc comments joined into one line each, to find phrases across line
	// breaks.
	commentBreak := regexp.MustCompile(`\n\s*//\s?`)

	for _, proto := range goldenProtos {
		stem := strings.TrimSuffix(proto, ".proto")
		py, err := os.ReadFile(filepath.Join(out, stem+"_pb2_grpc.py"))
		if err != nil {
			t.Fatal(err)
		}
		module := pythonModule(proto)
		services := stubRE.FindAllStringSubmatch(string(py), -1)
		goldenBytes, err := os.ReadFile(filepath.Join("testdata", stem+"_grpcio.pb.go"))
		if len(services) == 0 {
			if err == nil {
				t.Errorf("%s: grpcio generates no services, but %s_grpcio.pb.go exists", proto, stem)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		golden := commentBreak.ReplaceAllString(string(goldenBytes), " ")
		want := func(phrase string) {
			t.Helper()
			if !strings.Contains(golden, phrase) {
				t.Errorf("%s_grpcio.pb.go lacks %q", stem, phrase)
			}
		}
		for _, s := range services {
			want(" mirrors " + module + "." + s[1] + "Stub: ")
			want(" mirrors " + module + "." + s[1] + "Stub(channel): ")
			want(" mirrors " + module + "." + s[1] + "Servicer: ")
			want(" generated " + s[1] + "Servicer base class")
		}
		for _, a := range addRE.FindAllStringSubmatch(string(py), -1) {
			want(" mirrors " + module + ".add_" + a[1] + "Servicer_to_server: ")
		}
		for _, c := range callableRE.FindAllStringSubmatch(string(py), -1) {
			method, shape, path := c[1], strings.ReplaceAll(c[2], "_", "-"), c[3]
			service := path[strings.LastIndex(path[:len(path)-len(method)-1], ".")+1 : len(path)-len(method)-1]
			want(" = " + strconv.Quote(path))
			want("Stub." + method + ", a " + shape + " multi-callable for " + path)
			want(service + "Servicer." + method + "(")
		}
		for _, h := range handlerRE.FindAllStringSubmatch(string(py), -1) {
			var camel string
			for _, w := range strings.Split(h[2], "_") {
				camel += strings.ToUpper(w[:1]) + w[1:]
			}
			re := regexp.QuoteMeta(strconv.Quote(h[1])) + `:\s+grpc\.` + camel + `RPCMethodHandler\(servicer\.`
			if !regexp.MustCompile(re).MatchString(golden) {
				t.Errorf("%s_grpcio.pb.go has no handler matching %s", stem, re)
			}
		}
	}
}
