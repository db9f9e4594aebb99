package benchpb

import (
	"bytes"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	for _, p := range []Payload{{}, {Body: []byte("hello")}, {Count: -1}, {Body: bytes.Repeat([]byte{7}, 1<<20), Count: 1<<31 - 1}} {
		b := p.Marshal(nil)
		if len(b) != p.Size() {
			t.Fatalf("Size %d, marshalled %d bytes", p.Size(), len(b))
		}
		var q Payload
		if err := q.Unmarshal(b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(q.Body, p.Body) || q.Count != p.Count {
			t.Fatalf("round trip: got body %d bytes count %d, want %d bytes count %d", len(q.Body), q.Count, len(p.Body), p.Count)
		}
	}
	// The hand-encoded form of Payload{body: "ab"}: 0x0a 0x02 'a' 'b'.
	if b := (&Payload{Body: []byte("ab")}).Marshal(nil); !bytes.Equal(b, []byte{0x0a, 2, 'a', 'b'}) {
		t.Fatalf("wire form %x", b)
	}
	if err := new(Payload).Unmarshal([]byte{0x0a, 5, 'a'}); err == nil {
		t.Fatal("truncated body accepted")
	}
}
