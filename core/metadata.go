package core

import (
	"fmt"
	"strings"

	"github.com/grpcio-go/grpcio/cgo"
)

// Metadatum is one metadata entry. Keys are lower-case ASCII; values of keys
// ending in "-bin" are arbitrary bytes, others printable ASCII. It is an
// alias of an unnamed struct so that Metadata{{"k", "v"}} is idiomatic and
// passes go vet's composite-literal check.
type Metadatum = struct {
	Key   string
	Value string
}

// Metadata is an ordered list of metadata entries; keys may repeat. It
// mirrors grpcio's metadata tuples of (key, value) pairs.
type Metadata []Metadatum

// Get returns the first value for key and whether there is one.
func (md Metadata) Get(key string) (string, bool) {
	for _, m := range md {
		if m.Key == key {
			return m.Value, true
		}
	}
	return "", false
}

// GetAll returns every value for key, in order.
func (md Metadata) GetAll(key string) []string {
	var vs []string
	for _, m := range md {
		if m.Key == key {
			vs = append(vs, m.Value)
		}
	}
	return vs
}

// IsBinaryHeader reports whether key names a binary metadata entry (ends in
// "-bin"), whose values C-core base64-encodes on the wire.
func IsBinaryHeader(key string) bool { return strings.HasSuffix(key, "-bin") }

// ValidateMetadatum applies C-core's rules (validate_metadata.cc): a key is
// non-empty, does not start with ':' and uses only a-z 0-9 - _ . ; a value
// of a non-binary key uses only printable ASCII (32-126).
func ValidateMetadatum(key, value string) error {
	if key == "" {
		return fmt.Errorf("metadata key cannot be empty")
	}
	if key[0] == ':' {
		return fmt.Errorf("metadata key %q cannot start with ':'", key)
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("metadata key %q has an illegal character %q (keys are lower-case a-z, 0-9, '-', '_', '.')", key, c)
		}
	}
	if IsBinaryHeader(key) {
		return nil
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < 32 || c > 126 {
			return fmt.Errorf("metadata value of key %q has a non-printable or non-ASCII byte 0x%02x (use a key ending in \"-bin\" for binary values)", key, c)
		}
	}
	return nil
}

// Validate checks every entry with ValidateMetadatum.
func (md Metadata) Validate() error {
	for _, m := range md {
		if err := ValidateMetadatum(m.Key, m.Value); err != nil {
			return err
		}
	}
	return nil
}

// appendFlat appends md in cgo's flattened form.
func appendFlat(buf []byte, md Metadata) []byte {
	for _, m := range md {
		buf = cgo.AppendMetadatum(buf, m.Key, m.Value)
	}
	return buf
}

// decodeFlat turns cgo's flattened metadata into Metadata (nil when empty).
func decodeFlat(flat []byte) Metadata {
	if len(flat) == 0 {
		return nil
	}
	var md Metadata
	cgo.RangeMetadata(flat, func(k, v []byte) {
		md = append(md, Metadatum{Key: string(k), Value: string(v)})
	})
	return md
}
