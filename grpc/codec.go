package grpc

import (
	"fmt"

	"google.golang.org/protobuf/proto"
)

// Serializer turns a message into bytes (grpcio's request_serializer and
// response_serializer).
type Serializer[T any] func(T) ([]byte, error)

// Deserializer turns bytes into a message (grpcio's request_deserializer and
// response_deserializer).
type Deserializer[T any] func([]byte) (T, error)

// defaultSerializer is what is used when no serializer is given: []byte
// values pass through unchanged (grpcio's behaviour without a serializer)
// and protobuf messages are marshalled with google.golang.org/protobuf.
func defaultSerializer[T any]() Serializer[T] {
	return func(v T) ([]byte, error) {
		switch m := any(v).(type) {
		case []byte:
			return m, nil
		case proto.Message:
			if !m.ProtoReflect().IsValid() {
				// A nil message is grpcio's None: not serializable.
				return nil, fmt.Errorf("cannot serialize a nil %T", v)
			}
			return proto.Marshal(m)
		case nil:
			return nil, fmt.Errorf("cannot serialize a nil value without a serializer")
		}
		return nil, fmt.Errorf("no serializer for %T: pass one, or use []byte or a protobuf message", v)
	}
}

// defaultDeserializer returns []byte as is for []byte and any, and unmarshals
// protobuf message types.
func defaultDeserializer[T any]() Deserializer[T] {
	var zero T
	switch any(zero).(type) {
	case []byte:
		return func(b []byte) (T, error) { return any(b).(T), nil }
	case proto.Message:
		mt := any(zero).(proto.Message).ProtoReflect().Type()
		return func(b []byte) (T, error) {
			m := mt.New().Interface()
			if err := proto.Unmarshal(b, m); err != nil {
				var z T
				return z, err
			}
			return m.(T), nil
		}
	}
	if _, ok := any(&zero).(*any); ok {
		return func(b []byte) (T, error) { return any(b).(T), nil }
	}
	return func([]byte) (T, error) {
		var z T
		return z, fmt.Errorf("no deserializer for %T: pass one, or use []byte or a protobuf message", z)
	}
}

// serializeSafely runs a user serializer, turning a panic into an error.
func serializeSafely[T any](f Serializer[T], v T) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("serializer panicked: %v", r)
		}
	}()
	return f(v)
}

// deserializeSafely runs a user deserializer, turning a panic into an error.
func deserializeSafely[T any](f Deserializer[T], b []byte) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("deserializer panicked: %v", r)
		}
	}()
	return f(b)
}
