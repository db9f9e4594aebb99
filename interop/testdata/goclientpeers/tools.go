//go:build tools

// Package goclientpeers pins the grpc-go programs that interop/client_test.go
// runs grpcio-go's interop client against: grpc-go's official interop server
// (google.golang.org/grpc/interop/server). It is its own module so that
// grpc-go never enters grpcio-go's go.mod; the test builds it with GOWORK=off.
package goclientpeers

import (
	_ "google.golang.org/grpc/interop/server"
)
