package main

import (
	"iter"
	"sync"
)

// requestPipe is a request stream fed one message at a time, for the cases
// that send a request only after a response came (ping_pong) or keep the
// stream open (the cancel and timeout cases): grpcio's interop client's
// _Pipe. grpcio-go consumes the Seq on its own goroutine, as grpcio
// consumes a request iterator on a thread; Close ends the stream (the
// half-close) and lets that goroutine go. Safe for concurrent use.
type requestPipe[T any] struct {
	c    chan T
	once sync.Once
}

// newRequestPipe returns an open, empty pipe.
func newRequestPipe[T any]() *requestPipe[T] {
	// Buffered so that Add never waits: no case adds more than four.
	return &requestPipe[T]{c: make(chan T, 16)}
}

// Add queues m to be sent. It must not be called after Close.
func (p *requestPipe[T]) Add(m T) { p.c <- m }

// Close ends the stream after the queued messages. It may be called more
// than once.
func (p *requestPipe[T]) Close() { p.once.Do(func() { close(p.c) }) }

// Seq is the request iterator to give the multi-callable.
func (p *requestPipe[T]) Seq() iter.Seq[T] {
	return func(yield func(T) bool) {
		for m := range p.c {
			if !yield(m) {
				return
			}
		}
	}
}
