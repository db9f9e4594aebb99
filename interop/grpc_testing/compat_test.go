package grpc_testing_test

import (
	"os"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcio-go/grpcio/grpc"
	pb "github.com/grpcio-go/grpcio/interop/grpc_testing"
)

// Our .proto files are written from the interop test descriptions; this
// checks them against grpc's own (Debian's grpc-proto), field by field and
// method by method, so that the wire format is the same.
func TestWireCompatibleWithGrpcProto(t *testing.T) {
	const dir = "/usr/share/grpc-proto"
	if _, err := os.Stat(dir + "/grpc/testing/test.proto"); err != nil {
		t.Skipf("grpc's test protos are not installed (%v): apt-get install grpc-proto", err)
	}
	theirs, err := grpc.Services("grpc/testing/test.proto", grpc.ProtoPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	theirFiles := theirs.File()
	find := func(name protoreflect.FullName) protoreflect.Descriptor {
		t.Helper()
		for _, f := range []protoreflect.FileDescriptor{theirFiles, theirFiles.Imports().Get(0).FileDescriptor, theirFiles.Imports().Get(1).FileDescriptor} {
			if d := f.Messages().ByName(name.Name()); d != nil && d.FullName() == name {
				return d
			}
			if d := f.Services().ByName(name.Name()); d != nil && d.FullName() == name {
				return d
			}
			if d := f.Enums().ByName(name.Name()); d != nil && d.FullName() == name {
				return d
			}
		}
		t.Fatalf("grpc's protos have no %s", name)
		return nil
	}
	for _, fd := range []protoreflect.FileDescriptor{pb.File_empty_proto, pb.File_messages_proto, pb.File_test_proto} {
		msgs := fd.Messages()
		for i := range msgs.Len() {
			ours := msgs.Get(i)
			their := find(ours.FullName()).(protoreflect.MessageDescriptor)
			fields := ours.Fields()
			for j := range fields.Len() {
				f := fields.Get(j)
				g := their.Fields().ByNumber(f.Number())
				if g == nil || g.Name() != f.Name() || g.Kind() != f.Kind() || g.Cardinality() != f.Cardinality() {
					t.Errorf("%s field %d: ours %v, grpc's %v", ours.FullName(), f.Number(), f, g)
					continue
				}
				if f.Message() != nil && f.Message().FullName() != g.Message().FullName() {
					t.Errorf("%s.%s: message %s, grpc's %s", ours.FullName(), f.Name(), f.Message().FullName(), g.Message().FullName())
				}
			}
		}
		enums := fd.Enums()
		for i := range enums.Len() {
			ours := enums.Get(i)
			their := find(ours.FullName()).(protoreflect.EnumDescriptor)
			for j := range ours.Values().Len() {
				v := ours.Values().Get(j)
				if w := their.Values().ByNumber(v.Number()); w == nil || w.Name() != v.Name() {
					t.Errorf("%s value %d: ours %s, grpc's %v", ours.FullName(), v.Number(), v.Name(), w)
				}
			}
		}
		svcs := fd.Services()
		for i := range svcs.Len() {
			ours := svcs.Get(i)
			their := find(ours.FullName()).(protoreflect.ServiceDescriptor)
			for j := range ours.Methods().Len() {
				m := ours.Methods().Get(j)
				n := their.Methods().ByName(m.Name())
				if n == nil || n.Input().FullName() != m.Input().FullName() || n.Output().FullName() != m.Output().FullName() ||
					n.IsStreamingClient() != m.IsStreamingClient() || n.IsStreamingServer() != m.IsStreamingServer() {
					t.Errorf("%s.%s differs from grpc's %v", ours.FullName(), m.Name(), n)
				}
			}
		}
	}
}
