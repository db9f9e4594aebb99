package core

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/grpcio-go/grpcio/cgo"
)

func echoServer(t testing.TB) (*Server, string) {
	s, err := NewServer(ServerConfig{
		MaxWorkers: 8,
		Lookup: func(call *ServerCall) (func(*ServerCall), int, string) {
			if call.Method != "/test/Echo" {
				return nil, StatusUnimplemented, "Method not found!"
			}
			return func(c *ServerCall) {
				msg, ok := c.TakePayload()
				if !ok {
					msg, ok, _ = c.RecvMessage()
				}
				if string(msg) == "sleep" {
					<-c.Done()
					return
				}
				if err := c.Finish(&Reply{Message: msg, HasMessage: ok, Code: StatusOK,
					TrailingMetadata: Metadata{{"k-bin", "\x00\x01"}}}); err != nil {
					t.Error(err)
				}
			}, 0, ""
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.RegisterMethod("/test/Echo", true)
	port, err := s.AddInsecurePort("127.0.0.1:0")
	if err != nil || port == 0 {
		t.Fatal(port, err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s, fmt.Sprintf("127.0.0.1:%d", port)
}

func checkLive(t *testing.T) {
	t.Helper()
	if l := cgo.LiveObjects(); l != (cgo.Live{}) {
		t.Fatalf("live C objects: %+v", l)
	}
	i := 0
	for ; cgo.IsInitialized(); i++ {
		if i == 500 {
			t.Fatal("C-core still initialized")
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("ok after %d waits", i)
}

func TestUnaryEcho(t *testing.T) {
	for _, mode := range []PollMode{LeaderFollower, DedicatedPoller, PerCallPluck} {
		s, target := echoServer(t)
		ch, err := NewInsecureChannel(target, nil, mode)
		if err != nil {
			t.Fatal(err)
		}
		echo, _ := ch.Method("/test/Echo")
		nope, _ := ch.Method("/test/Nope")
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 200; i++ {
					req := []byte(fmt.Sprintf("hello %d %d", g, i))
					res, err := ch.UnaryUnary(context.Background(), echo, req, &CallOptions{Metadata: Metadata{{"a", "b"}}})
					if err != nil || res.Status.Code != 0 || !bytes.Equal(res.Response, req) {
						t.Errorf("%v %+v", err, res)
						return
					}
					if v, _ := res.Status.TrailingMetadata.Get("k-bin"); v != "\x00\x01" {
						t.Errorf("trailing %v", res.Status.TrailingMetadata)
					}
				}
			}()
		}
		wg.Wait()
		res, err := ch.UnaryUnary(nil, nope, []byte("x"), &CallOptions{})
		if err != nil || res.Status.Code != StatusUnimplemented || res.Status.Details != "Method not found!" {
			t.Fatalf("%v %+v", err, res.Status)
		}
		done := make(chan UnaryResult, 1)
		if _, err := ch.StartUnaryUnary(nil, echo, []byte("async"), &CallOptions{}, func(r UnaryResult) { done <- r }); err != nil {
			t.Fatal(err)
		}
		if r := <-done; string(r.Response) != "async" {
			t.Fatalf("%+v", r)
		}
		res, _ = ch.UnaryUnary(nil, echo, []byte("sleep"), &CallOptions{HasTimeout: true, Timeout: 50 * time.Millisecond})
		if res.Status.Code != StatusDeadlineExceeded {
			t.Fatalf("%+v", res.Status)
		}
		ch.Close()
		<-s.Stop(time.Second)
		s.WaitWorkers()
		checkLive(t)
	}
}

func BenchmarkUnary(b *testing.B) {
	for _, mode := range []PollMode{LeaderFollower, DedicatedPoller, PerCallPluck} {
		b.Run(fmt.Sprint("mode", mode), func(b *testing.B) {
			s, target := echoServer(b)
			ch, _ := NewInsecureChannel(target, nil, mode)
			req := make([]byte, 64)
			opts := &CallOptions{}
			echo, _ := ch.Method("/test/Echo")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ch.UnaryUnary(nil, echo, req, opts)
			}
			b.StopTimer()
			ch.Close()
			<-s.Stop(0)
		})
	}
}

// WaitUntil returns when its channel is closed by a goroutine that is not
// polling, even when no completion will ever wake the goroutine that leads.
func TestWaitUntilClosedElsewhere(t *testing.T) {
	for _, mode := range []PollMode{LeaderFollower, DedicatedPoller} {
		ch, err := NewInsecureChannel("localhost:1", nil, mode)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		time.AfterFunc(30*time.Millisecond, func() { close(done) })
		returned := make(chan struct{})
		go func() { ch.cq.WaitUntil(done); close(returned) }()
		select {
		case <-returned:
		case <-time.After(5 * time.Second):
			t.Fatalf("mode %v: WaitUntil did not return after its channel closed", mode)
		}
		ch.Close()
	}
	checkLive(t)
}
