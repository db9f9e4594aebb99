package peers_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcio-go/grpcio/grpc"
	"github.com/grpcio-go/grpcio/internal/grpctest"
	"github.com/grpcio-go/grpcio/internal/leakcheck"
)

// Runtime-loaded protos against Python grpcio: grpcio-go loads
// testdata/protos/peerstore/store.proto at run time (grpc.ProtosAndServices)
// while Python uses stubs grpc_tools.protoc generates from the same file.

// storeProtoPath is where store.proto and its import item.proto live.
const storeProtoPath = "testdata/protos"

// loadStore loads store.proto at run time.
func loadStore(t *testing.T) (*grpc.ProtosModule, *grpc.ServicesModule) {
	t.Helper()
	pb, svc, err := grpc.ProtosAndServices("peerstore/store.proto", grpc.ProtoPath(storeProtoPath))
	require.NoError(t, err)
	return pb, svc
}

// generatePythonStubs skips t unless Python grpcio and grpc_tools are
// installed, then generates the Python modules of store.proto and
// item.proto with grpc_tools.protoc into a temporary directory and returns
// it, for PYTHONPATH.
func generatePythonStubs(t *testing.T) string {
	t.Helper()
	grpctest.RequirePythonGRPC(t)
	dir := t.TempDir()
	grpctest.Run(t, exec.Command(grpctest.Python3, "-m", "grpc_tools.protoc", "--proto_path="+storeProtoPath,
		"--python_out="+dir, "--grpc_python_out="+dir, "peerstore/item.proto", "peerstore/store.proto"))
	return dir
}

// pythonWithStubs is a command running a script of testdata with the
// generated stubs on its path.
func pythonWithStubs(ctx context.Context, python, stubs string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, python, args...)
	cmd.Env = append(cmd.Environ(), "PYTHONPATH="+stubs, "PYTHONDONTWRITEBYTECODE=1")
	return cmd
}

// newMessage makes a message of the type called name in pb and sets its
// fields: field names and values alternate.
func newMessage(t *testing.T, pb *grpc.ProtosModule, name string, fields ...any) proto.Message {
	t.Helper()
	mt, err := pb.Message(name)
	require.NoError(t, err)
	m := mt.New().Interface()
	for i := 0; i < len(fields); i += 2 {
		setField(t, m, fields[i].(string), fields[i+1])
	}
	return m
}

// setField sets m's field called name: a scalar, an enum value's name, a
// message, a []string (repeated string) or a map[string]string.
func setField(t *testing.T, m proto.Message, name string, v any) {
	t.Helper()
	r := m.ProtoReflect()
	fd := r.Descriptor().Fields().ByName(protoreflect.Name(name))
	require.NotNil(t, fd, "%s has no field %s", r.Descriptor().FullName(), name)
	switch v := v.(type) {
	case proto.Message:
		r.Set(fd, protoreflect.ValueOfMessage(v.ProtoReflect()))
	case []string:
		l := r.Mutable(fd).List()
		for _, s := range v {
			l.Append(protoreflect.ValueOfString(s))
		}
	case map[string]string:
		mp := r.Mutable(fd).Map()
		for k, s := range v {
			mp.Set(protoreflect.ValueOfString(k).MapKey(), protoreflect.ValueOfString(s))
		}
	case string:
		if fd.Kind() == protoreflect.EnumKind {
			ev := fd.Enum().Values().ByName(protoreflect.Name(v))
			require.NotNil(t, ev, "%s has no value %s", fd.Enum().FullName(), v)
			r.Set(fd, protoreflect.ValueOfEnum(ev.Number()))
			return
		}
		r.Set(fd, protoreflect.ValueOfString(v))
	default:
		r.Set(fd, protoreflect.ValueOf(v))
	}
}

// field reads m's field called name.
func field(m proto.Message, name string) protoreflect.Value {
	r := m.ProtoReflect()
	return r.Get(r.Descriptor().Fields().ByName(protoreflect.Name(name)))
}

// assertMessage checks that got equals want, field for field.
func assertMessage(t *testing.T, want, got proto.Message) {
	t.Helper()
	if !proto.Equal(want, got) {
		t.Errorf("message\n got: %s\nwant: %s", prototext.Format(got), prototext.Format(want))
	}
}

// storeItems are the requests of the tests (runtime_protos_client.py's
// ITEM and ITEMS).
func storeItems(t *testing.T, pb *grpc.ProtosModule) (item proto.Message, items []proto.Message) {
	item = newMessage(t, pb, "Item",
		"key", "alpha",
		"value", []byte("\x00\x01\xff"),
		"version", int64(41),
		"labels", []string{"a", "b"},
		"attributes", map[string]string{"colour": "blue", "size": "L"},
		"kind", "TEXT",
		"updated", newMessage(t, pb, "google.protobuf.Timestamp", "seconds", int64(1700000000), "nanos", int32(500)),
		"weight", 1.5,
	)
	items = []proto.Message{
		newMessage(t, pb, "Item", "key", "one", "value", []byte("1"), "weight", 0.25),
		newMessage(t, pb, "Item", "key", "two", "value", []byte("22"), "weight", 2.0),
		newMessage(t, pb, "Item", "key", "three", "deleted", true),
	}
	return item, items
}

// put is Put's answer to item, as store.proto documents it.
func put(t *testing.T, item proto.Message) proto.Message {
	reply := proto.Clone(item)
	setField(t, reply, "version", field(item, "version").Int()+1)
	r := reply.ProtoReflect()
	r.Mutable(r.Descriptor().Fields().ByName("labels")).List().Append(protoreflect.ValueOfString("seen"))
	updated := r.Mutable(r.Descriptor().Fields().ByName("updated")).Message().Interface()
	setField(t, updated, "seconds", field(updated, "seconds").Int()+1)
	return reply
}

// listed is List's i-th item for prefix.
func listed(t *testing.T, pb *grpc.ProtosModule, prefix string, i int) proto.Message {
	kind := "TEXT"
	if i%2 == 1 {
		kind = "BLOB"
	}
	return newMessage(t, pb, "Item",
		"key", fmt.Sprintf("%s-%d", prefix, i),
		"value", bytes.Repeat([]byte{byte(i)}, i),
		"version", int64(i),
		"kind", kind,
		"attributes", map[string]string{"index": fmt.Sprint(i)})
}

// exchanged is Exchange's answer to item.
func exchanged(t *testing.T, item proto.Message) proto.Message {
	reply := proto.Clone(item)
	setField(t, reply, "key", strings.ToUpper(field(item, "key").String()))
	setField(t, reply, "weight", field(item, "weight").Float()*2)
	return reply
}

func seqOfMessages(msgs ...proto.Message) iter.Seq[proto.Message] {
	return func(yield func(proto.Message) bool) {
		for _, m := range msgs {
			if !yield(m) {
				return
			}
		}
	}
}

// TestRuntimeProtosPythonServer calls runtime_protos_server.py, a Python
// grpcio server with generated stubs, through a stub grpcio-go made at run
// time from the same store.proto: every shape, payloads field for field,
// metadata and an error status.
func TestRuntimeProtosPythonServer(t *testing.T) {
	leakcheck.Check(t)
	stubs := generatePythonStubs(t)
	python := grpctest.Python3
	pb, svc := loadStore(t)
	target := startPeerProcess(t, "runtime_protos_server.py",
		pythonWithStubs(context.Background(), python, stubs, "testdata/runtime_protos_server.py"))
	stub, err := svc.Stub("Store", dial(t, target))
	require.NoError(t, err)
	item, items := storeItems(t, pb)
	timeout := grpc.Timeout(10 * time.Second)

	t.Run("UnaryUnary", func(t *testing.T) {
		putRPC, err := stub.UnaryUnary("Put")
		require.NoError(t, err)
		reply, call, err := putRPC.WithCall(item, timeout,
			grpc.WithMetadata(grpc.Metadata{{Key: "x-trace", Value: "go"}, {Key: "other", Value: "no"}}))
		require.NoError(t, err)
		assertMessage(t, put(t, item), reply)
		assert.Equal(t, int64(42), field(reply, "version").Int())
		assert.Equal(t, []byte("\x00\x01\xff"), field(reply, "value").Bytes())
		assert.Equal(t, int64(1700000001), field(field(reply, "updated").Message().Interface(), "seconds").Int())
		assert.Equal(t, grpc.Metadata{{Key: "x-trace", Value: "go"}}, call.InitialMetadata())
		v, _ := call.TrailingMetadata().Get("served-by")
		assert.Equal(t, "python", v)
		assert.Equal(t, grpc.OK, call.Code())

		_, err = putRPC.Call(newMessage(t, pb, "Item"), timeout)
		grpctest.AssertStatus(t, err, grpc.InvalidArgument, "key is required")
	})

	t.Run("UnaryStream", func(t *testing.T) {
		list, err := stub.UnaryStream("List")
		require.NoError(t, err)
		it, err := list.Call(newMessage(t, pb, "ListRequest", "prefix", "go", "count", int32(3)), timeout)
		require.NoError(t, err)
		for i := range 3 {
			got, err := it.Next()
			require.NoError(t, err)
			assertMessage(t, listed(t, pb, "go", i), got)
		}
		_, err = it.Next()
		assert.Equal(t, io.EOF, err)
		assert.Equal(t, grpc.OK, it.Code())
	})

	t.Run("StreamUnary", func(t *testing.T) {
		putMany, err := stub.StreamUnary("PutMany")
		require.NoError(t, err)
		summary, err := putMany.Call(seqOfMessages(items...), timeout)
		require.NoError(t, err)
		assertMessage(t, newMessage(t, pb, "PutSummary", "count", int32(3), "keys", "one,two,three", "total_size", int64(3)), summary)
	})

	t.Run("StreamStream", func(t *testing.T) {
		exchange, err := stub.StreamStream("Exchange")
		require.NoError(t, err)
		it, err := exchange.Call(seqOfMessages(items...), timeout)
		require.NoError(t, err)
		var got []proto.Message
		for m, err := range it.All() {
			require.NoError(t, err)
			got = append(got, m)
		}
		require.Len(t, got, len(items))
		for i, m := range got {
			assertMessage(t, exchanged(t, items[i]), m)
		}
		assert.Equal(t, "ONE", field(got[0], "key").String())
		assert.Equal(t, 0.5, field(got[0], "weight").Float())
		assert.True(t, field(got[2], "deleted").Bool())
	})
}

// goStore is a servicer of store.proto made at run time, as
// runtime_protos_server.py serves it; it records the requests it gets.
type goStore struct {
	mu       sync.Mutex
	requests map[string][]proto.Message // method -> requests
}

func (s *goStore) record(method string, m proto.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[method] = append(s.requests[method], m)
}

func (s *goStore) servicer(t *testing.T, pb *grpc.ProtosModule) grpc.DynamicServicer {
	return grpc.DynamicServicer{
		"Put": func(req proto.Message, ctx *grpc.ServicerContext) (proto.Message, error) {
			s.record("Put", req)
			if field(req, "key").String() == "" {
				return nil, ctx.Abort(grpc.InvalidArgument, "key is required")
			}
			var x grpc.Metadata
			for _, md := range ctx.InvocationMetadata() {
				if strings.HasPrefix(md.Key, "x-") {
					x = append(x, md)
				}
			}
			if err := ctx.SendInitialMetadata(x); err != nil {
				return nil, err
			}
			ctx.SetTrailingMetadata(grpc.Metadata{{Key: "served-by", Value: "go"}})
			return put(t, req), nil
		},
		"List": func(req proto.Message, ctx *grpc.ServicerContext) iter.Seq2[proto.Message, error] {
			s.record("List", req)
			return func(yield func(proto.Message, error) bool) {
				for i := range int(field(req, "count").Int()) {
					if !yield(listed(t, pb, field(req, "prefix").String(), i), nil) {
						return
					}
				}
			}
		},
		"PutMany": func(reqs iter.Seq2[proto.Message, error], ctx *grpc.ServicerContext) (proto.Message, error) {
			var keys []string
			var size int64
			for req, err := range reqs {
				if err != nil {
					return nil, err
				}
				s.record("PutMany", req)
				keys = append(keys, field(req, "key").String())
				size += int64(len(field(req, "value").Bytes()))
			}
			return newMessage(t, pb, "PutSummary",
				"count", int32(len(keys)), "keys", strings.Join(keys, ","), "total_size", size), nil
		},
		"Exchange": func(reqs iter.Seq2[proto.Message, error], ctx *grpc.ServicerContext) iter.Seq2[proto.Message, error] {
			return func(yield func(proto.Message, error) bool) {
				for req, err := range reqs {
					if err != nil {
						yield(nil, err)
						return
					}
					s.record("Exchange", req)
					if !yield(exchanged(t, req), nil) {
						return
					}
				}
			}
		},
	}
}

// TestRuntimeProtosPythonClient serves store.proto with a servicer
// grpcio-go made at run time and calls it with runtime_protos_client.py, a
// Python grpcio client with generated stubs. The client prints what it
// received; the servicer records what it was sent.
func TestRuntimeProtosPythonClient(t *testing.T) {
	leakcheck.Check(t)
	stubs := generatePythonStubs(t)
	python := grpctest.Python3
	pb, svc := loadStore(t)
	store := &goStore{requests: map[string][]proto.Message{}}
	s, err := grpc.NewServer(grpc.MaxWorkers(8))
	require.NoError(t, err)
	require.NoError(t, svc.AddServicerToServer("peerstore.Store", store.servicer(t, pb), s))
	t.Cleanup(func() {
		select {
		case <-s.Stop(0):
		case <-time.After(10 * time.Second):
			t.Error("server did not stop")
		}
	})
	port, err := s.AddInsecurePort("127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, s.Start())

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := pythonWithStubs(ctx, python, stubs, "testdata/runtime_protos_client.py", fmt.Sprintf("127.0.0.1:%d", port))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("runtime_protos_client.py: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	want := `Put: key: "alpha" value: "\000\001\377" version: 42 labels: "a" labels: "b" labels: "seen" ` +
		`attributes { key: "colour" value: "blue" } attributes { key: "size" value: "L" } kind: TEXT ` +
		`updated { seconds: 1700000001 nanos: 500 } weight: 1.5
Put initial metadata: [('x-trace', 'py')]
Put trailing metadata: [('served-by', 'go')]
Put status: StatusCode.OK ''
Put without key: StatusCode.INVALID_ARGUMENT 'key is required'
List: key: "py-0" attributes { key: "index" value: "0" } kind: TEXT
List: key: "py-1" value: "\001" version: 1 attributes { key: "index" value: "1" } kind: BLOB
List: key: "py-2" value: "\002\002" version: 2 attributes { key: "index" value: "2" } kind: TEXT
PutMany: count: 3 keys: "one,two,three" total_size: 3
Exchange: key: "ONE" value: "1" weight: 0.5
Exchange: key: "TWO" value: "22" weight: 4.0
Exchange: key: "THREE" deleted: true
`
	assert.Equal(t, want, stdout.String())

	// What Python sent arrived field for field.
	item, items := storeItems(t, pb)
	store.mu.Lock()
	defer store.mu.Unlock()
	require.Len(t, store.requests["Put"], 2)
	assertMessage(t, item, store.requests["Put"][0])
	assertMessage(t, newMessage(t, pb, "Item"), store.requests["Put"][1])
	require.Len(t, store.requests["List"], 1)
	assertMessage(t, newMessage(t, pb, "ListRequest", "prefix", "py", "count", int32(3)), store.requests["List"][0])
	for _, method := range []string{"PutMany", "Exchange"} {
		require.Len(t, store.requests[method], len(items), method)
		for i, m := range store.requests[method] {
			assertMessage(t, items[i], m)
		}
	}
}
