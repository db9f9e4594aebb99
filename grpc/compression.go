package grpc

// Compression mirrors grpc.Compression: the message compression algorithms.
type Compression int

// Compression algorithms (grpcio's values, which are C-core's).
const (
	NoCompression Compression = 0
	Deflate       Compression = 1
	Gzip          Compression = 2
)

// String is grpcio's member name.
func (c Compression) String() string {
	switch c {
	case NoCompression:
		return "NoCompression"
	case Deflate:
		return "Deflate"
	case Gzip:
		return "Gzip"
	}
	return "Compression(?)"
}

// metadataValue is the algorithm's name on the wire, as grpcio's
// _compression module writes it.
func (c Compression) metadataValue() string {
	switch c {
	case Deflate:
		return "deflate"
	case Gzip:
		return "gzip"
	}
	return "identity"
}

// compressionRequestKey is the metadata key through which grpcio asks C-core
// to compress one call's messages.
const compressionRequestKey = "grpc-internal-encoding-request"

// compressionChannelArg is C-core's GRPC_COMPRESSION_CHANNEL_DEFAULT_ALGORITHM.
const compressionChannelArg = "grpc.default_compression_algorithm"

func (c Compression) valid() bool { return c >= NoCompression && c <= Gzip }
