package cgo

/*
#include "grpcgo.h"
*/
import "C"

import "unsafe"

// Ops is a set of batch operations; a batch holds each at most once, in this
// order (grpc_op_type).
type Ops uint32

// The operations of a batch.
const (
	OpSendInitialMetadata  Ops = C.GRPCGO_SEND_INITIAL_METADATA
	OpSendMessage          Ops = C.GRPCGO_SEND_MESSAGE
	OpSendCloseFromClient  Ops = C.GRPCGO_SEND_CLOSE_FROM_CLIENT
	OpSendStatusFromServer Ops = C.GRPCGO_SEND_STATUS_FROM_SERVER
	OpRecvInitialMetadata  Ops = C.GRPCGO_RECV_INITIAL_METADATA
	OpRecvMessage          Ops = C.GRPCGO_RECV_MESSAGE
	OpRecvStatusOnClient   Ops = C.GRPCGO_RECV_STATUS_ON_CLIENT
	OpRecvCloseOnServer    Ops = C.GRPCGO_RECV_CLOSE_ON_SERVER
)

// Flags of initial metadata and messages (GRPC_INITIAL_METADATA_*, GRPC_WRITE_*).
const (
	InitialMetadataWaitForReady            = uint32(C.GRPC_INITIAL_METADATA_WAIT_FOR_READY)
	InitialMetadataWaitForReadyExplicitSet = uint32(C.GRPC_INITIAL_METADATA_WAIT_FOR_READY_EXPLICITLY_SET)
	WriteNoCompress                        = uint32(C.GRPC_WRITE_NO_COMPRESS)
	WriteBufferHint                        = uint32(C.GRPC_WRITE_BUFFER_HINT)
)

// Send describes what a batch sends. Metadata is flattened with
// AppendMetadatum; the counts say how many pairs each buffer holds.
type Send struct {
	Ops                   Ops
	InitialMetadataFlags  uint32
	InitialMetadata       []byte
	InitialMetadataCount  int
	Message               []byte
	MessageFlags          uint32
	TrailingMetadata      []byte
	TrailingMetadataCount int
	Status                int
	Details               string
}

// Batch is the C memory of one batch of operations (grpcgo_batch): the op
// array, what is sent, and the receive out-parameters. It may be reused with
// Reset once its batch has completed.
type Batch struct {
	b       *C.grpcgo_batch
	scratch []byte
}

// NewBatch allocates a batch.
func NewBatch() *Batch {
	live.batches.Add(1)
	return &Batch{b: C.grpcgo_batch_new()}
}

// Reset releases everything the last batch held so that the batch can be
// started again.
func (b *Batch) Reset() { C.grpcgo_batch_reset(b.b) }

// Free releases the batch's C memory.
func (b *Batch) Free() {
	if b.b == nil {
		return
	}
	C.grpcgo_batch_free(b.b)
	b.b = nil
	live.batches.Add(-1)
}

func bytesPtr(p []byte) *C.char {
	if len(p) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&p[0]))
}

// StartBatch starts the operations of s on the call with tag
// (grpc_call_start_batch); every byte of s is copied into b first. The batch
// must be fresh or Reset, and stays in use until tag completes.
func (c *Call) StartBatch(b *Batch, s *Send, tag uintptr) error {
	cb := b.b
	cb.opmask = C.uint32_t(s.Ops)
	cb.initial_md_flags = C.uint32_t(s.InitialMetadataFlags)
	cb.message_flags = C.uint32_t(s.MessageFlags)
	cb.send_status = C.int32_t(s.Status)
	var det *C.char
	if len(s.Details) > 0 {
		det = (*C.char)(unsafe.Pointer(unsafe.StringData(s.Details)))
	}
	msg := bytesPtr(s.Message)
	if msg == nil && s.Ops&OpSendMessage != 0 {
		msg = (*C.char)(unsafe.Pointer(&zero))
	}
	rc := C.grpcgo_batch_start(cb, c.c, C.uintptr_t(tag),
		bytesPtr(s.InitialMetadata), C.size_t(len(s.InitialMetadata)), C.size_t(s.InitialMetadataCount),
		msg, C.size_t(len(s.Message)),
		bytesPtr(s.TrailingMetadata), C.size_t(len(s.TrailingMetadata)), C.size_t(s.TrailingMetadataCount),
		det, C.size_t(len(s.Details)))
	return callError(rc)
}

var zero byte

// Result is what a completed batch received. The metadata buffers are
// flattened (see RangeMetadata) and alias the batch's scratch memory: they
// are valid until the next Result or Reset. Message is a fresh Go copy.
type Result struct {
	InitialMetadata  []byte
	TrailingMetadata []byte
	Message          []byte
	HasMessage       bool // false at end of stream (a NULL byte buffer)
	Status           int
	Details          string
	DebugErrorString string
	Cancelled        bool // RECV_CLOSE_ON_SERVER: the call failed at the server

	// MessageCompressed reports that Message arrived compressed: its
	// compressed flag was set on the wire and C-core inflated it. C-core 1.51
	// exposes this only through grpc_call_test_only_get_message_flags.
	MessageCompressed bool
}

// Result reads what the completed batch received (grpcgo_batch_result).
func (b *Batch) Result() Result {
	cb := b.b
	need := C.grpcgo_batch_result(cb, bytesPtr(b.scratch), C.size_t(len(b.scratch)))
	if int(need) > len(b.scratch) {
		b.scratch = make([]byte, max(int(need), 256))
		C.grpcgo_batch_result(cb, bytesPtr(b.scratch), C.size_t(len(b.scratch)))
	}
	var r Result
	p := b.scratch
	n := int(cb.initial_md_len)
	r.InitialMetadata, p = p[:n:n], p[n:]
	n = int(cb.trailing_md_len)
	r.TrailingMetadata, p = p[:n:n], p[n:]
	n = int(cb.details_len)
	r.Details, p = string(p[:n]), p[n:]
	n = int(cb.error_len)
	r.DebugErrorString = string(p[:n])
	if cb.has_message != 0 {
		r.HasMessage = true
		r.Message = C.GoBytes(unsafe.Pointer(cb.message_ptr), C.int(cb.message_len))
		r.MessageCompressed = cb.message_compressed != 0
	}
	r.Status = int(cb.recv_status)
	r.Cancelled = cb.cancelled != 0
	return r
}
