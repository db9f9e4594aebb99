// Package core is grpcio-go's engine layer: what grpcio's Cython cygrpc
// module is to grpcio. It turns C-core's completion-queue API (package cgo)
// into Go objects: completion queues polled leader/follower style, channels
// and the state of each client call, servers with their request loop and
// worker pool, and the state of each server call.
//
// Core moves bytes and metadata; serialization, handler lookup and grpcio's
// user-facing semantics live in package grpc (and aio), which build on core
// and never import cgo.
//
// # Polling
//
// Each channel and each server owns one GRPC_CQ_NEXT completion queue. At
// most one goroutine polls it at a time (the leader). A goroutine that
// blocks on a result and finds nobody polling becomes the leader itself,
// delivers the completions of others and, once its own completion arrives,
// hands the role to a waiting goroutine; a background goroutine leads when
// completions are owed but nobody waits. See docs/architecture.md for the
// measurements behind this.
//
// # Ownership
//
// A Channel owns its C channel, its completion queue and the pooled batch
// memory of its calls; a ClientCall keeps its channel open until it ends. A
// Server owns its C server, its queue, its request slots and its worker
// goroutines; a ServerCall is released once its status is sent (or it is
// cancelled) and no batch is in flight. Close and Stop release everything
// and return the C-core init reference taken at creation.
package core
