// Command greeter_server is the Go counterpart of grpcio's
// examples/python/helloworld/greeter_server.py: it serves the
// helloworld.Greeter service, answering "Hello, <name>!".
//
// Usage:
//
//	greeter_server [--port 50051]
//
// It prints "Server started, listening on <port>" once it serves (with
// --port 0 the port is the one the system picked) and stops gracefully on
// SIGINT or SIGTERM: new RPCs are refused and those in flight get a few
// seconds to finish. A second signal ends it at once.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/grpcio-go/grpcio/examples/helloworld/helloworld"
	"github.com/grpcio-go/grpcio/grpc"
)

// grace is how long RPCs in flight may run on after a stop signal.
const grace = 5 * time.Second

// greeter mirrors greeter_server.py's Greeter class.
type greeter struct {
	helloworld.UnimplementedGreeterServicer
}

// SayHello mirrors Greeter.SayHello.
func (greeter) SayHello(req *helloworld.HelloRequest, ctx *grpc.ServicerContext) (*helloworld.HelloReply, error) {
	return &helloworld.HelloReply{Message: "Hello, " + req.GetName() + "!"}, nil
}

func main() {
	port := flag.Int("port", 50051, "the port to serve on (0: any free port)")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("greeter_server: ")
	if err := serve(*port); err != nil {
		log.Fatal(err)
	}
}

// serve mirrors greeter_server.py's serve, with a graceful stop on signals.
func serve(port int) error {
	server, err := grpc.NewServer(grpc.MaxWorkers(10))
	if err != nil {
		return err
	}
	helloworld.AddGreeterServicerToServer(greeter{}, server)
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
