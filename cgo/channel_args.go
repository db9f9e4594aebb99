package cgo

/*
#include "grpcgo.h"
*/
import "C"

import (
	"fmt"
	"math"
	"unsafe"
)

// ChannelArg is one C-core channel argument: Value is an int (GRPC_ARG_INTEGER)
// or a string (GRPC_ARG_STRING), as grpcio's _ChannelArgs accepts.
type ChannelArg struct {
	Key   string
	Value any
}

// channelArgs builds a grpc_channel_args; the caller frees it with
// grpcgo_args_free once C-core has copied it (channel and server creation copy).
func channelArgs(args []ChannelArg) (*C.grpc_channel_args, error) {
	for _, a := range args {
		switch v := a.Value.(type) {
		case int:
			if v < math.MinInt32 || v > math.MaxInt32 {
				return nil, fmt.Errorf("channel option %q: integer %d does not fit C-core's 32-bit int", a.Key, v)
			}
		case int32, string, []byte, bool:
		default:
			return nil, fmt.Errorf("channel option %q: value of type %T is not supported (int or string)", a.Key, a.Value)
		}
	}
	ca := C.grpcgo_args_new(C.size_t(len(args)))
	for i, a := range args {
		k := C.CString(a.Key)
		switch v := a.Value.(type) {
		case int:
			C.grpcgo_args_set_int(ca, C.size_t(i), k, C.int(v))
		case int32:
			C.grpcgo_args_set_int(ca, C.size_t(i), k, C.int(v))
		case bool:
			b := 0
			if v {
				b = 1
			}
			C.grpcgo_args_set_int(ca, C.size_t(i), k, C.int(b))
		case string:
			s := C.CString(v)
			C.grpcgo_args_set_string(ca, C.size_t(i), k, s)
			C.free(unsafe.Pointer(s))
		case []byte:
			s := C.CString(string(v))
			C.grpcgo_args_set_string(ca, C.size_t(i), k, s)
			C.free(unsafe.Pointer(s))
		}
		C.free(unsafe.Pointer(k))
	}
	return ca, nil
}
