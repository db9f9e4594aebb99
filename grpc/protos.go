package grpc

// Run-time loading of .proto files: grpcio's grpc.protos, grpc.services and
// grpc.protos_and_services (_runtime_protos.py, which compiles with
// grpc_tools.protoc in memory). The services half is protos_services.go.

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// ProtoOption configures Protos, Services and ProtosAndServices.
type ProtoOption interface{ applyProto(*protoOptions) }

type protoOptions struct {
	dirs []string
}

type protoOptionFunc func(*protoOptions)

func (f protoOptionFunc) applyProto(o *protoOptions) { f(o) }

// ProtoPath sets the directories searched for the .proto file and for
// everything it imports, in order, as protoc's --proto_path does: grpcio
// searches sys.path. Given several times, the directories add up. Without
// it only the current directory is searched (grpcio's sys.path starts with
// the script's directory). Protobuf's standard imports
// ("google/protobuf/empty.proto", "google/protobuf/timestamp.proto" and the
// other well-known types) are always available, after the directories, as
// grpc_tools appends its bundled protos to sys.path.
func ProtoPath(dirs ...string) ProtoOption {
	dirs = append([]string(nil), dirs...)
	return protoOptionFunc(func(o *protoOptions) { o.dirs = append(o.dirs, dirs...) })
}

// ProtosModule mirrors the module grpc.protos returns, the in-memory
// helloworld_pb2: the message and enum types of one .proto file, as
// dynamic (dynamicpb) types. It is immutable and safe for concurrent use.
type ProtosModule struct {
	file  protoreflect.FileDescriptor
	types *dynamicpb.Types
}

// Protos mirrors grpc.protos(protobuf_path): it compiles the .proto file at
// path (and what it imports) with protocompile and returns its message
// types, with no generated code. path is relative to a directory of the
// search path (see ProtoPath), as grpcio's path is relative to a sys.path
// entry, and is the file's name in its descriptor and in errors; an
// absolute path must lie inside one of the directories.
//
// Each call compiles afresh: there is no cache behind it (grpcio's is
// sys.modules), so load once and keep the module. It is safe to call
// concurrently.
//
// Errors: a file that cannot be found names every path searched (and
// matches fs.ErrNotExist); a file that does not compile reports
// "file:line:column: message", as protoc does (the error wraps
// protocompile's reporter.ErrorWithPos).
func Protos(path string, opts ...ProtoOption) (*ProtosModule, error) {
	return loadProto("Protos", path, opts)
}

// ProtosAndServices mirrors grpc.protos_and_services(protobuf_path): what
// Protos and Services return, from one compilation.
func ProtosAndServices(path string, opts ...ProtoOption) (*ProtosModule, *ServicesModule, error) {
	pf, err := loadProto("ProtosAndServices", path, opts)
	if err != nil {
		return nil, nil, err
	}
	return pf, &ServicesModule{protos: pf}, nil
}

// File returns the file's descriptor (the module's DESCRIPTOR in grpcio).
func (p *ProtosModule) File() protoreflect.FileDescriptor { return p.file }

// Types returns the dynamic types of the file and of everything it
// imports: a resolver for protojson, anypb and extensions.
func (p *ProtosModule) Types() *dynamicpb.Types { return p.types }

// Message returns the message type called name, as helloworld_pb2.HelloRequest
// names it: name is relative to the file's package ("HelloRequest", or
// "Outer.Inner" for a nested message), or a full name of a message in the
// file or in a file it imports ("google.protobuf.Timestamp"). Its New
// method makes a *dynamicpb.Message. An unknown name is an error that lists
// the file's messages.
func (p *ProtosModule) Message(name string) (protoreflect.MessageType, error) {
	for _, full := range p.candidates(name) {
		if mt, err := p.types.FindMessageByName(full); err == nil {
			return mt, nil
		}
	}
	return nil, fmt.Errorf("grpc: %s has no message %q (its messages: %s)",
		p.file.Path(), name, listNames(p.file.Messages()))
}

// Enum returns the enum type called name, with the naming rules of
// Message: "Corpus", "Outer.Kind", "google.protobuf.NullValue".
func (p *ProtosModule) Enum(name string) (protoreflect.EnumType, error) {
	for _, full := range p.candidates(name) {
		if et, err := p.types.FindEnumByName(full); err == nil {
			return et, nil
		}
	}
	return nil, fmt.Errorf("grpc: %s has no enum %q (its enums: %s)",
		p.file.Path(), name, listNames(p.file.Enums()))
}

// candidates is what name may stand for: relative to the package first.
func (p *ProtosModule) candidates(name string) []protoreflect.FullName {
	if pkg := p.file.Package(); pkg != "" {
		return []protoreflect.FullName{pkg + "." + protoreflect.FullName(name), protoreflect.FullName(name)}
	}
	return []protoreflect.FullName{protoreflect.FullName(name)}
}

// listNames lists descriptors' short names for error messages.
func listNames[D protoreflect.Descriptor](list interface {
	Len() int
	Get(int) D
}) string {
	if list.Len() == 0 {
		return "none"
	}
	names := make([]string, list.Len())
	for i := range names {
		names[i] = string(list.Get(i).Name())
	}
	return strings.Join(names, ", ")
}

// loadProto compiles the file at p for the function fn (named in errors).
func loadProto(fn, p string, opts []ProtoOption) (*ProtosModule, error) {
	var o protoOptions
	for _, opt := range opts {
		opt.applyProto(&o)
	}
	dirs := o.dirs
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	fail := func(err error) (*ProtosModule, error) {
		return nil, fmt.Errorf("grpc: %s(%q): %w", fn, p, err)
	}
	search := &protoSearch{dirs: dirs}
	name, err := search.importName(p)
	if err != nil {
		return fail(err)
	}
	// Report a missing file with the paths searched, unless it is one of
	// the standard imports (which the empty search path falls back to).
	if _, _, err := search.find(name); err != nil {
		if _, stdErr := protocompile.WithStandardImports(protoSearch{}).FindFileByPath(name); stdErr != nil {
			return fail(err)
		}
	}
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(search), MaxParallelism: 1}
	files, err := c.Compile(context.Background(), name)
	if err != nil {
		return fail(err)
	}
	reg := new(protoregistry.Files)
	if err := registerFile(reg, files[0]); err != nil {
		return fail(err)
	}
	return &ProtosModule{file: files[0], types: dynamicpb.NewTypes(reg)}, nil
}

// registerFile adds fd and, first, everything it imports.
func registerFile(reg *protoregistry.Files, fd protoreflect.FileDescriptor) error {
	if _, err := reg.FindFileByPath(fd.Path()); err == nil {
		return nil
	}
	imports := fd.Imports()
	for i := range imports.Len() {
		if err := registerFile(reg, imports.Get(i).FileDescriptor); err != nil {
			return err
		}
	}
	return reg.RegisterFile(fd)
}

// protoSearch finds .proto files in the search path: a protocompile
// Resolver (before the standard imports).
type protoSearch struct {
	dirs []string
}

// importName turns the path given to Protos into the file's import name.
func (s protoSearch) importName(p string) (string, error) {
	if filepath.IsAbs(p) {
		for _, dir := range s.dirs {
			abs, err := filepath.Abs(dir)
			if err != nil {
				continue
			}
			rel, err := filepath.Rel(abs, filepath.Clean(p))
			if err != nil || !filepath.IsLocal(rel) {
				continue
			}
			name := filepath.ToSlash(rel)
			found, _, err := s.find(name)
			if err == nil && found != filepath.Clean(p) {
				return "", fmt.Errorf("%s is shadowed by %s, which comes first in the proto path", p, found)
			}
			return name, nil
		}
		return "", fmt.Errorf("%s is not inside a directory of the proto path (%s); add its directory with ProtoPath",
			p, strings.Join(s.dirs, ", "))
	}
	name := path.Clean(filepath.ToSlash(p))
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return "", fmt.Errorf("%s must be relative to a directory of the proto path and inside it", p)
	}
	return name, nil
}

// find returns the absolute path of the first file called name in the
// search path, or an error naming every path searched.
func (s protoSearch) find(name string) (string, []string, error) {
	searched := make([]string, 0, len(s.dirs))
	for _, dir := range s.dirs {
		f := filepath.Join(dir, filepath.FromSlash(name))
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		searched = append(searched, f)
		if st, err := os.Stat(f); err == nil && !st.IsDir() {
			return f, searched, nil
		}
	}
	return "", searched, fmt.Errorf("%s not found in the proto path; searched %s: %w",
		name, strings.Join(searched, ", "), fs.ErrNotExist)
}

// FindFileByPath implements protocompile.Resolver.
func (s protoSearch) FindFileByPath(name string) (protocompile.SearchResult, error) {
	f, _, err := s.find(name)
	if err != nil {
		return protocompile.SearchResult{}, err
	}
	r, err := os.Open(f)
	if err != nil {
		return protocompile.SearchResult{}, err
	}
	return protocompile.SearchResult{Source: r}, nil
}

// messageSerializer marshals messages of type want (dynamic or generated:
// the full names must match), refusing nil and other types as grpcio's
// generated SerializeToString does.
func messageSerializer(want protoreflect.MessageDescriptor) Serializer[proto.Message] {
	return func(m proto.Message) ([]byte, error) {
		if m == nil {
			return nil, fmt.Errorf("cannot serialize nil as %s", want.FullName())
		}
		if got := m.ProtoReflect().Descriptor().FullName(); got != want.FullName() {
			return nil, fmt.Errorf("cannot serialize a %s as %s", got, want.FullName())
		}
		return proto.Marshal(m)
	}
}

// messageDeserializer unmarshals into new *dynamicpb.Message values of type
// desc, resolving extensions among types.
func messageDeserializer(desc protoreflect.MessageDescriptor, types *dynamicpb.Types) Deserializer[proto.Message] {
	mt := dynamicpb.NewMessageType(desc)
	opts := proto.UnmarshalOptions{Resolver: types}
	return func(b []byte) (proto.Message, error) {
		m := mt.New().Interface()
		if err := opts.Unmarshal(b, m); err != nil {
			return nil, err
		}
		return m, nil
	}
}
