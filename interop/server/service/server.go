package service

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"github.com/grpcio-go/grpcio/grpc"
)

// Config says where an interop server listens and how.
type Config struct {
	// Host is the address to bind; empty means "[::]", every address (as
	// grpcio's interop server binds).
	Host string
	// Port is the port to bind; 0 picks a free one.
	Port int
	// UseTLS serves TLS with the key and certificate chain in KeyFile and
	// CertFile (PEM), which must then be set. The interop tests use
	// server1.key and server1.pem, whose certificate names
	// *.test.google.fr.
	UseTLS            bool
	CertFile, KeyFile string
}

// ErrTLSFiles is Start's error when UseTLS is set without both files.
var ErrTLSFiles = errors.New("TLS needs a certificate chain and a private key file " +
	"(--tls_cert_file and --tls_key_file, e.g. grpc-go's testdata/server1.pem and server1.key)")

// Start starts a server serving a New TestService as cfg says and returns
// it with the port it bound. Stop it with Server.Stop.
func Start(cfg Config) (*grpc.Server, int, error) {
	var creds *grpc.ServerCredentials
	if cfg.UseTLS {
		var err error
		if creds, err = TLSCredentials(cfg.CertFile, cfg.KeyFile); err != nil {
			return nil, 0, err
		}
	}
	host := cfg.Host
	if host == "" {
		host = "::"
	}
	addr := net.JoinHostPort(host, strconv.Itoa(cfg.Port))
	s, err := grpc.NewServer()
	if err != nil {
		return nil, 0, err
	}
	Register(New(), s)
	var port int
	if creds != nil {
		port, err = s.AddSecurePort(addr, creds)
	} else {
		port, err = s.AddInsecurePort(addr)
	}
	if err == nil {
		err = s.Start()
	}
	if err != nil {
		<-s.Stop(-1)
		return nil, 0, err
	}
	return s, port, nil
}

// TLSCredentials reads a PEM certificate chain and private key into server
// credentials; ErrTLSFiles when either name is empty.
func TLSCredentials(certFile, keyFile string) (*grpc.ServerCredentials, error) {
	if certFile == "" || keyFile == "" {
		return nil, ErrTLSFiles
	}
	chain, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate: %w", err)
	}
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS private key: %w", err)
	}
	return grpc.SSLServerCredentials([]grpc.PrivateKeyCertificateChainPair{{PrivateKey: key, CertificateChain: chain}}, nil, false)
}
