// Command server is grpcio-go's gRPC interop test server, as grpcio's
// tests/interop/server.py is Python's: it serves grpc.testing.TestService
// (package service) for the official interop clients.
//
// Usage:
//
//	server [--port=N] [--use_tls [--tls_cert_file=server1.pem --tls_key_file=server1.key]]
//	       [--port_file=FILE] [--host=ADDR]
//
// --port 0 (the default) picks a free port. The bound port is printed as
// "Server started, listening on N" and, with --port_file, written to FILE
// (via a rename, so a reader never sees half of it). --use_tls needs both
// key files: the official clients expect grpc's test certificate
// server1.pem (found in grpc-go's module under testdata/) and connect with
// --server_host_override=foo.test.google.fr. SIGTERM or SIGINT stops the
// server, letting RPCs in flight finish for up to a second, and exits 0.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/grpcio-go/grpcio/interop/server/service"
)

// grace is how long RPCs in flight may run on after a stop signal.
const grace = time.Second

func main() {
	var cfg service.Config
	flag.IntVar(&cfg.Port, "port", 0, "the port to listen on (0: a free one)")
	flag.StringVar(&cfg.Host, "host", "", `the address to bind (default "[::]", every address)`)
	flag.BoolVar(&cfg.UseTLS, "use_tls", false, "serve TLS instead of plaintext")
	flag.StringVar(&cfg.CertFile, "tls_cert_file", "", "with --use_tls: the PEM certificate chain (server1.pem)")
	flag.StringVar(&cfg.KeyFile, "tls_key_file", "", "with --use_tls: the PEM private key (server1.key)")
	portFile := flag.String("port_file", "", "write the bound port to this file")
	flag.Parse()
	log.SetPrefix("interop server: ")
	log.SetFlags(0)
	if flag.NArg() > 0 {
		log.Fatalf("unexpected arguments %q", flag.Args())
	}
	if err := run(cfg, *portFile); err != nil {
		if errors.Is(err, service.ErrTLSFiles) {
			log.Printf("--use_tls: %v", err)
			os.Exit(2)
		}
		log.Fatal(err)
	}
}

func run(cfg service.Config, portFile string) error {
	server, port, err := service.Start(cfg)
	if err != nil {
		return err
	}
	if portFile != "" {
		if err := writePort(portFile, port); err != nil {
			<-server.Stop(-1)
			return err
		}
	}
	security := "plaintext"
	if cfg.UseTLS {
		security = "TLS"
	}
	log.Printf("serving grpc.testing.TestService (%s)", security)
	fmt.Println("Server started, listening on " + strconv.Itoa(port))

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	sig := <-signals
	signal.Stop(signals)
	log.Printf("received %v, stopping", sig)
	<-server.Stop(grace)
	return nil
}

// writePort writes port to name through a temporary file and a rename.
func writePort(name string, port int) error {
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(port)+"\n"), 0o644); err != nil {
		return fmt.Errorf("--port_file: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		return fmt.Errorf("--port_file: %w", err)
	}
	return nil
}
