// Command greeter_client is the Go counterpart of grpcio's
// examples/python/no_codegen/greeter_client.py: it loads helloworld.proto at
// run time with grpc.ProtosAndServices, calls helloworld.Greeter/SayHello
// through a stub made from it and prints the reply as
// "Greeter client received: <message>". No code is generated from the
// .proto file.
//
// Usage:
//
//	greeter_client [--target localhost:50051] [--name you] [--stream] [--proto_path .]
//
// With --stream it calls SayHelloStreamReply instead and prints each reply.
// helloworld.proto is looked for as greeter_server looks for it: run it
// from examples/runtime_protos or pass --proto_path.
package main

import (
	"flag"
	"fmt"
	"log"
	"path/filepath"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/grpcio-go/grpcio/grpc"
)

func main() {
	target := flag.String("target", "localhost:50051", "the server to greet")
	name := flag.String("name", "you", "the name to greet")
	stream := flag.Bool("stream", false, "call SayHelloStreamReply rather than SayHello")
	protoPath := flag.String("proto_path", ".", "where to look for helloworld.proto and its imports")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("greeter_client: ")
	if err := run(*target, *name, *stream, filepath.SplitList(*protoPath)); err != nil {
		log.Fatal(err)
	}
}

// run mirrors greeter_client.py: load the protos, build the request, call
// the method and print the replies.
func run(target, name string, stream bool, protoPath []string) error {
	protos, services, err := grpc.ProtosAndServices("helloworld.proto", grpc.ProtoPath(protoPath...))
	if err != nil {
		return err
	}
	// protos.HelloRequest(name=name)
	helloRequest, err := protos.Message("HelloRequest")
	if err != nil {
		return err
	}
	request := helloRequest.New()
	request.Set(helloRequest.Descriptor().Fields().ByName("name"), protoreflect.ValueOfString(name))

	channel, err := grpc.InsecureChannel(target)
	if err != nil {
		return err
	}
	defer channel.Close()
	stub, err := services.Stub("Greeter", channel) // services.GreeterStub(channel)
	if err != nil {
		return err
	}
	if !stream {
		sayHello, err := stub.UnaryUnary("SayHello")
		if err != nil {
			return err
		}
		response, err := sayHello.Call(request.Interface())
		if err != nil {
			return err
		}
		fmt.Println("Greeter client received: " + message(response))
		return nil
	}
	sayHelloStreamReply, err := stub.UnaryStream("SayHelloStreamReply")
	if err != nil {
		return err
	}
	responses, err := sayHelloStreamReply.Call(request.Interface())
	if err != nil {
		return err
	}
	for response, err := range responses.All() {
		if err != nil {
			return err
		}
		fmt.Println("Greeter client received: " + message(response))
	}
	return nil
}

// message reads HelloReply.message, grpcio's response.message.
func message(response proto.Message) string {
	m := response.ProtoReflect()
	return m.Get(m.Descriptor().Fields().ByName("message")).String()
}
