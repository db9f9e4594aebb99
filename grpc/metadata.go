package grpc

import "github.com/grpcio-go/grpcio/core"

// Metadatum is one metadata entry: a lower-case ASCII key and its value.
// Values of keys ending in "-bin" are arbitrary bytes (sent base64-encoded
// by C-core); other values are printable ASCII. grpcio's (key, value) pair.
type Metadatum = core.Metadatum

// Metadata is an ordered list of entries in which keys may repeat: grpcio's
// metadata tuple. Write it as grpc.Metadata{{"k", "v"}}.
type Metadata = core.Metadata
