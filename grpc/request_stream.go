package grpc

import (
	"iter"

	"github.com/grpcio-go/grpcio/core"
)

// sendRequests consumes a request iterator on its own goroutine, as grpcio
// consumes request iterators on a thread: each request is serialized and
// sent (one at a time, each waiting for the transport), then the client
// half-closes. A serializer failure cancels the RPC with INTERNAL
// "Exception serializing request!", a panicking iterator with UNKNOWN
// "Exception iterating requests!". Consumption stops when the RPC ends.
func sendRequests[Req any](cc *core.ClientCall, reqs iter.Seq[Req], ser Serializer[Req]) {
	go func() {
		defer func() {
			if r := recover(); r != nil {
				cc.Cancel(int(Unknown), detailsIteratingRequests)
			}
		}()
		if reqs != nil {
			for req := range reqs {
				b, err := serializeSafely(ser, req)
				if err != nil {
					cc.Cancel(int(Internal), detailsSerializeRequest)
					return
				}
				if !cc.SendMessage(b, 0) {
					return
				}
			}
		}
		cc.CloseSend()
	}()
}
