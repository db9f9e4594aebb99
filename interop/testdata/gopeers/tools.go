//go:build tools

// Package gopeers pins the grpc-go programs that interop/server_test.go
// runs against grpcio-go's interop server: grpc-go's official interop client
// (google.golang.org/grpc/interop/client) and, in compression/, a grpc-go
// client for the four compression cases that the official one lacks. It is
// its own module so that grpc-go never enters grpcio-go's go.mod; the test
// builds it with GOWORK=off.
package gopeers

import (
	_ "google.golang.org/grpc/interop/client"
)
