package cgo

import "encoding/binary"

// Metadata crosses the boundary flattened: count entries of
// uint32 key length, key, uint32 value length, value, in native byte order
// (the format grpcgo.c parses and writes).

// AppendMetadatum appends one flattened key/value pair to buf.
func AppendMetadatum(buf []byte, key, value string) []byte {
	buf = binary.NativeEndian.AppendUint32(buf, uint32(len(key)))
	buf = append(buf, key...)
	buf = binary.NativeEndian.AppendUint32(buf, uint32(len(value)))
	return append(buf, value...)
}

// RangeMetadata calls fn for each flattened pair in buf, in order. The
// slices alias buf.
func RangeMetadata(buf []byte, fn func(key, value []byte)) {
	for len(buf) >= 8 {
		kl := int(binary.NativeEndian.Uint32(buf))
		k := buf[4 : 4+kl]
		buf = buf[4+kl:]
		vl := int(binary.NativeEndian.Uint32(buf))
		v := buf[4 : 4+vl]
		buf = buf[4+vl:]
		fn(k, v)
	}
}
