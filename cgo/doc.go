// Package cgo is the C boundary of grpcio-go: typed Go wrappers over gRPC
// C-core's surface API (grpc/grpc.h), the only package that imports "C".
//
// It plays the part of grpcio's grpc.pxi declarations plus the C halves of
// its Cython objects: completion queues, channels, calls and batches of
// operations, byte buffers, metadata arrays, servers and deadlines.
//
// # Ownership
//
// Every C object is owned by exactly one Go value, which has exactly one
// release method (Destroy, Free, Unref or Shutdown, named after the C-core
// function it calls). C memory that C-core reads or writes after
// grpc_call_start_batch returns lives in a C-allocated Batch until the batch
// is Reset or Freed. Go memory crosses into C only for the length of one call
// and is copied there. Tags are integer handles (runtime/cgo.Handle values
// made by the caller), never Go pointers.
//
// # Policy
//
// The package holds no policy and starts no goroutines. The only global state
// is the C-core init refcount (Init/Shutdown) and counters of live C objects
// that tests read through LiveObjects.
//
// # Linking
//
// By default C-core comes from the system through pkg-config (Debian's
// libgrpc-dev, C-core 1.51). See LinkInfo.
package cgo
