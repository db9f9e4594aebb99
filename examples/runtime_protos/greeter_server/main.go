// Command greeter_server is the Go counterpart of grpcio's
// examples/python/no_codegen/greeter_server.py: it serves the
// helloworld.Greeter service of helloworld.proto, which it loads at run
// time with grpc.ProtosAndServices. No code is generated from the .proto
// file: its messages are dynamic (dynamicpb) messages and the servicer is a
// grpc.DynamicServicer.
//
// Usage:
//
//	greeter_server [--port 50051] [--proto_path .]
//
// helloworld.proto is looked for in the directories of --proto_path (a
// list separated by the OS's path-list separator, ':' on Unix), by default
// the current directory: run it from examples/runtime_protos. SayHello
// answers "Hello, <name>!"; SayHelloStreamReply streams three greetings.
// It prints "Server started, listening on <port>" once it serves and stops
// gracefully on SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"iter"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcio-go/grpcio/grpc"
)

// grace is how long RPCs in flight may run on after a stop signal.
const grace = 5 * time.Second

func main() {
	port := flag.Int("port", 50051, "the port to serve on (0: any free port)")
	protoPath := flag.String("proto_path", ".", "where to look for helloworld.proto and its imports")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("greeter_server: ")
	if err := serve(*port, filepath.SplitList(*protoPath)); err != nil {
		log.Fatal(err)
	}
}

// greeter mirrors greeter_server.py's Greeter class, built from the
// run-time HelloReply type: its methods keyed by name.
func greeter(helloReply protoreflect.MessageType) grpc.DynamicServicer {
	message := helloReply.Descriptor().Fields().ByName("message")
	reply := func(text string) proto.Message {
		m := helloReply.New()
		m.Set(message, protoreflect.ValueOfString(text))
		return m.Interface()
	}
	return grpc.DynamicServicer{
		// SayHello mirrors Greeter.SayHello.
		"SayHello": func(request proto.Message, ctx *grpc.ServicerContext) (proto.Message, error) {
			return reply("Hello, " + name(request) + "!"), nil
		},
		"SayHelloStreamReply": func(request proto.Message, ctx *grpc.ServicerContext) iter.Seq2[proto.Message, error] {
			return func(yield func(proto.Message, error) bool) {
				for _, greeting := range []string{"Hello", "Hello again", "Goodbye"} {
					if !yield(reply(greeting+", "+name(request)+"!"), nil) {
						return
					}
				}
			}
		},
	}
}

// name reads HelloRequest.name, grpcio's request.name.
func name(request proto.Message) string {
	m := request.ProtoReflect()
	return m.Get(m.Descriptor().Fields().ByName("name")).String()
}

// serve mirrors greeter_server.py's serve, with a graceful stop on signals.
func serve(port int, protoPath []string) error {
	protos, services, err := grpc.ProtosAndServices("helloworld.proto", grpc.ProtoPath(protoPath...))
	if err != nil {
		return err
	}
	helloReply, err := protos.Message("HelloReply")
	if err != nil {
		return err
	}
	server, err := grpc.NewServer(grpc.MaxWorkers(10))
	if err != nil {
		return err
	}
	if err := services.AddServicerToServer("Greeter", greeter(helloReply), server); err != nil {
		<-server.Stop(0)
		return err
	}
	bound, err := server.AddInsecurePort("[::]:" + strconv.Itoa(port))
	if err != nil {
		<-server.Stop(0)
		return err
	}
	if err := server.Start(); err != nil {
		<-server.Stop(0)
		return err
	}
	fmt.Println("Server started, listening on " + strconv.Itoa(bound))

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	sig := <-signals
	signal.Stop(signals)
	log.Printf("received %v, stopping (grace %v)", sig, grace)
	<-server.Stop(grace)
	log.Print("stopped")
	return nil
}
