package core

import (
	"context"
	rcgo "runtime/cgo"

	"github.com/grpcio-go/grpcio/cgo"
)

// pluckOp is a blocking unary call's private GRPC_CQ_PLUCK queue and batch
// memory (PerCallPluck), pooled per channel.
type pluckOp struct {
	cq    *cgo.CompletionQueue
	batch *cgo.Batch
	h     rcgo.Handle
}

func (c *Channel) getPluckOp() *pluckOp {
	c.mu.Lock()
	if n := len(c.pluckFree); n > 0 {
		po := c.pluckFree[n-1]
		c.pluckFree = c.pluckFree[:n-1]
		c.mu.Unlock()
		return po
	}
	c.mu.Unlock()
	po := &pluckOp{cq: cgo.NewPluckQueue(), batch: cgo.NewBatch()}
	po.h = rcgo.NewHandle(po)
	return po
}

func (c *Channel) putPluckOp(po *pluckOp) {
	po.batch.Reset()
	c.mu.Lock()
	if c.open && len(c.pluckFree) < maxPooledOps {
		c.pluckFree = append(c.pluckFree, po)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	po.release()
}

func (po *pluckOp) release() {
	po.cq.Shutdown()
	po.cq.Destroy()
	po.batch.Free()
	po.h.Delete()
}

// unaryUnaryPluck is UnaryUnary in PerCallPluck mode: create the call on the
// private queue, start the batch, pluck its tag in one blocking C call.
func (c *Channel) unaryUnaryPluck(ctx context.Context, m *Method, req []byte, opts *CallOptions) (UnaryResult, error) {
	po := c.getPluckOp()
	cc, err := c.newCallOn(po.cq, m, opts)
	if err != nil {
		c.putPluckOp(po)
		return UnaryResult{}, err
	}
	s := unarySend(req, opts)
	tag := uintptr(po.h)
	cc.mu.Lock()
	err = cc.call.StartBatch(po.batch, &s, tag)
	if err == nil {
		cc.due++
	}
	cc.mu.Unlock()
	if err == nil {
		var stop func() bool
		if ctx != nil {
			stop = cc.watch(ctx)
		}
		po.cq.Pluck(tag)
		if stop != nil {
			stop()
		}
	}
	var res UnaryResult
	if err == nil {
		res = readUnary(po.batch)
	}
	cc.mu.Lock()
	if err == nil {
		cc.due--
	}
	cc.finished = true
	cc.releaseLocked()
	cc.mu.Unlock()
	cc.ch.forget(cc)
	c.putPluckOp(po)
	return res, err
}
