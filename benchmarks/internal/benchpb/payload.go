// Package benchpb encodes and decodes the loopback benchmark's message,
// bench.Payload {bytes body = 1; int32 count = 2;}, by hand with protowire,
// and names the methods the benchmark peers speak.
package benchpb

import (
	"errors"

	"google.golang.org/protobuf/encoding/protowire"
)

// The harness's bench.Bench service and its methods: Unary echoes the
// request, Stream echoes each message of a bidi stream, ServerFlood sends
// `count` copies of the request's body.
const (
	Service      = "bench.Bench"
	UnaryMethod  = "/bench.Bench/Unary"
	StreamMethod = "/bench.Bench/Stream"
	FloodMethod  = "/bench.Bench/ServerFlood"
)

// Payload is bench.Payload.
type Payload struct {
	Body  []byte
	Count int32
}

// Marshal appends the wire form of p to b (proto3: zero fields are omitted).
func (p *Payload) Marshal(b []byte) []byte {
	if len(p.Body) > 0 {
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendBytes(b, p.Body)
	}
	if p.Count != 0 {
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(int64(p.Count)))
	}
	return b
}

// Size is the length of p's wire form.
func (p *Payload) Size() int {
	n := 0
	if len(p.Body) > 0 {
		n += protowire.SizeTag(1) + protowire.SizeBytes(len(p.Body))
	}
	if p.Count != 0 {
		n += protowire.SizeTag(2) + protowire.SizeVarint(uint64(int64(p.Count)))
	}
	return n
}

var errMalformed = errors.New("benchpb: malformed Payload")

// Unmarshal decodes b into p. Body aliases b (no copy); unknown fields are
// skipped.
func (p *Payload) Unmarshal(b []byte) error {
	*p = Payload{}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return errMalformed
		}
		b = b[n:]
		switch {
		case num == 1 && typ == protowire.BytesType:
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return errMalformed
			}
			p.Body, b = v, b[n:]
		case num == 2 && typ == protowire.VarintType:
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return errMalformed
			}
			p.Count, b = int32(v), b[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, b)
			if n < 0 {
				return errMalformed
			}
			b = b[n:]
		}
	}
	return nil
}
