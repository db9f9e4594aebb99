// Command greeter_client is the Go counterpart of grpcio's
// examples/python/helloworld/greeter_client.py: it calls
// helloworld.Greeter/SayHello once and prints the reply as
// "Greeter client received: <message>".
//
// Usage:
//
//	greeter_client [--target localhost:50051] [--name world]
package main

import (
	"flag"
	"fmt"
	"log"

	"github.com/grpcio-go/grpcio/examples/helloworld/helloworld"
	"github.com/grpcio-go/grpcio/grpc"
)

func main() {
	target := flag.String("target", "localhost:50051", "the server to greet")
	name := flag.String("name", "world", "the name to greet")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("greeter_client: ")
	message, err := run(*target, *name)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Greeter client received: " + message)
}

// run mirrors greeter_client.py's run: open a channel, call SayHello
// through the stub, close the channel.
func run(target, name string) (string, error) {
	channel, err := grpc.InsecureChannel(target)
	if err != nil {
		return "", err
	}
	defer channel.Close()
	stub := helloworld.NewGreeterStub(channel)
	response, err := stub.SayHello.Call(&helloworld.HelloRequest{Name: name})
	if err != nil {
		return "", err
	}
	return response.GetMessage(), nil
}
