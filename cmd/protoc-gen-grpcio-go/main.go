// The protoc-gen-grpcio-go binary is a protoc plugin that writes grpcio-go's
// client and server glue for the services of .proto files: the counterpart
// of what grpcio's code generator (python -m grpc_tools.protoc
// --grpc_python_out) writes into X_pb2_grpc.py.
//
// Install it with
//
//	go install github.com/grpcio-go/grpcio/cmd/protoc-gen-grpcio-go@latest
//
// and run it next to protoc-gen-go, which writes the messages:
//
//	protoc --go_out=. --go_opt=paths=source_relative \
//		--grpcio-go_out=. --grpcio-go_opt=paths=source_relative x.proto
//
// For each x.proto with services it writes x_grpcio.pb.go next to
// protoc-gen-go's x.pb.go, in the same Go package. For a service Greeter
// that file has GreeterStub and NewGreeterStub (grpcio's GreeterStub),
// GreeterServicer (grpcio's GreeterServicer), UnimplementedGreeterServicer
// (the generated servicer's method bodies), AddGreeterServicerToServer
// (grpcio's add_GreeterServicer_to_server) and the full method names as
// constants. Files without services get no file.
//
// # Options
//
// Options go in --grpcio-go_opt, comma-separated, or before a colon in
// --grpcio-go_out:
//
//   - paths=import (the default) or paths=source_relative, module=PREFIX and
//     Mx.proto=import/path;name: where files go and which Go package a
//     .proto file belongs to, as for protoc-gen-go (see
//     https://protobuf.dev/reference/go/go-generated).
//   - aio=true: stubs for package aio, grpcio's grpc.aio. grpcio-go does not
//     have package aio yet, so aio=true fails with a message saying so;
//     aio=false (the default) writes the synchronous stubs.
//
// protoc-gen-grpcio-go --version prints the plugin's version, which is
// grpcio-go's.
//
// docs/codegen.md in the repository has a table of what is generated next
// to what grpcio generates.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"google.golang.org/protobuf/compiler/protogen"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/pluginpb"
)

// version is the plugin's version, written into every generated file's
// header. It is grpcio-go's version (grpc.Version), which a test checks; the
// plugin does not import package grpc, so that it builds without C-core.
const version = "0.1.0"

const docURL = "https://github.com/grpcio-go/grpcio/blob/main/docs/codegen.md"

func main() {
	if len(os.Args) == 2 && os.Args[1] == "--version" {
		fmt.Fprintf(os.Stdout, "%v v%v\n", filepath.Base(os.Args[0]), version)
		os.Exit(0)
	}
	if len(os.Args) == 2 && os.Args[1] == "--help" {
		fmt.Fprintf(os.Stdout, "See "+docURL+" for usage information.\n")
		os.Exit(0)
	}
	var flags flag.FlagSet
	opts := options{}
	flags.BoolVar(&opts.aio, "aio", false, "generate stubs for package aio (grpc.aio); not available yet")
	protogen.Options{ParamFunc: flags.Set}.Run(func(gen *protogen.Plugin) error {
		return generate(gen, opts)
	})
}

// options are the plugin's own parameters; protogen handles paths=,
// module= and M.
type options struct {
	aio bool
}

// errAio is what aio=true fails with until package aio has stubs to target.
const errAio = "aio=true: aio stubs need package aio, which grpcio-go does not have yet; leave out aio=true to generate the synchronous stubs of package grpc"

// generate writes the _grpcio.pb.go file of every file protoc asked for that
// has services.
func generate(gen *protogen.Plugin, opts options) error {
	gen.SupportedFeatures = uint64(pluginpb.CodeGeneratorResponse_FEATURE_PROTO3_OPTIONAL | pluginpb.CodeGeneratorResponse_FEATURE_SUPPORTS_EDITIONS)
	gen.SupportedEditionsMinimum = descriptorpb.Edition_EDITION_PROTO2
	gen.SupportedEditionsMaximum = descriptorpb.Edition_EDITION_2024
	if opts.aio {
		return errors.New(errAio)
	}
	for _, f := range gen.Files {
		if !f.Generate || len(f.Services) == 0 {
			continue
		}
		if err := checkNames(gen, f); err != nil {
			return err
		}
		generateFile(gen, f)
	}
	return nil
}
