package cgo

/*
#include "grpcgo.h"
*/
import "C"

import "unsafe"

// CallCredentials owns a grpc_call_credentials reference.
type CallCredentials struct {
	c *C.grpc_call_credentials
}

// NewAccessTokenCallCredentials makes credentials that send
// "authorization: Bearer <token>" (grpc_access_token_credentials_create).
func NewAccessTokenCallCredentials(token string) *CallCredentials {
	t := C.CString(token)
	defer C.free(unsafe.Pointer(t))
	live.credentials.Add(1)
	return &CallCredentials{c: C.grpc_access_token_credentials_create(t, nil)}
}

// NewCompositeCallCredentials combines two call credentials
// (grpc_composite_call_credentials_create); a and b keep their own
// references.
func NewCompositeCallCredentials(a, b *CallCredentials) *CallCredentials {
	live.credentials.Add(1)
	return &CallCredentials{c: C.grpc_composite_call_credentials_create(a.c, b.c, nil)}
}

// Release drops the reference (grpc_call_credentials_release).
func (cc *CallCredentials) Release() {
	if cc.c == nil {
		return
	}
	C.grpc_call_credentials_release(cc.c)
	cc.c = nil
	live.credentials.Add(-1)
}

// ChannelCredentials owns a grpc_channel_credentials reference.
type ChannelCredentials struct {
	c *C.grpc_channel_credentials
}

// optCString is a C copy of s, or NULL for a nil s; free it with C.free.
func optCString(s []byte) *C.char {
	if s == nil {
		return nil
	}
	return C.CString(string(s))
}

// NewSSLChannelCredentials makes TLS channel credentials
// (grpc_ssl_credentials_create_ex): root certificates (nil: C-core's
// default roots) and an optional client key and certificate chain.
func NewSSLChannelCredentials(rootCerts, privateKey, certChain []byte) *ChannelCredentials {
	root := optCString(rootCerts)
	defer C.free(unsafe.Pointer(root))
	var pair *C.grpc_ssl_pem_key_cert_pair
	if privateKey != nil || certChain != nil {
		pair = (*C.grpc_ssl_pem_key_cert_pair)(C.calloc(1, C.sizeof_grpc_ssl_pem_key_cert_pair))
		defer C.free(unsafe.Pointer(pair))
		pair.private_key = optCString(privateKey)
		defer C.free(unsafe.Pointer(pair.private_key))
		pair.cert_chain = optCString(certChain)
		defer C.free(unsafe.Pointer(pair.cert_chain))
	}
	live.credentials.Add(1)
	return &ChannelCredentials{c: C.grpc_ssl_credentials_create_ex(root, pair, nil, nil)}
}

// NewCompositeChannelCredentials attaches call credentials to channel
// credentials (grpc_composite_channel_credentials_create); both keep their
// own references.
func NewCompositeChannelCredentials(ch *ChannelCredentials, call *CallCredentials) *ChannelCredentials {
	live.credentials.Add(1)
	return &ChannelCredentials{c: C.grpc_composite_channel_credentials_create(ch.c, call.c, nil)}
}

// Release drops the reference (grpc_channel_credentials_release).
func (cc *ChannelCredentials) Release() {
	if cc.c == nil {
		return
	}
	C.grpc_channel_credentials_release(cc.c)
	cc.c = nil
	live.credentials.Add(-1)
}

// ServerCredentials owns a grpc_server_credentials reference.
type ServerCredentials struct {
	c *C.grpc_server_credentials
}

// KeyCertPair is a PEM private key and its certificate chain.
type KeyCertPair struct {
	PrivateKey, CertChain []byte
}

// NewSSLServerCredentials makes TLS server credentials
// (grpc_ssl_server_credentials_create_ex). With requireClientAuth the client
// must present a certificate signed by rootCerts; otherwise none is asked for.
func NewSSLServerCredentials(rootCerts []byte, pairs []KeyCertPair, requireClientAuth bool) *ServerCredentials {
	root := optCString(rootCerts)
	defer C.free(unsafe.Pointer(root))
	n := len(pairs)
	arr := (*C.grpc_ssl_pem_key_cert_pair)(C.calloc(C.size_t(max(n, 1)), C.sizeof_grpc_ssl_pem_key_cert_pair))
	defer C.free(unsafe.Pointer(arr))
	cp := unsafe.Slice(arr, max(n, 1))
	for i, p := range pairs {
		cp[i].private_key = C.CString(string(p.PrivateKey))
		defer C.free(unsafe.Pointer(cp[i].private_key))
		cp[i].cert_chain = C.CString(string(p.CertChain))
		defer C.free(unsafe.Pointer(cp[i].cert_chain))
	}
	req := C.grpc_ssl_client_certificate_request_type(C.GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE)
	if requireClientAuth {
		req = C.GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
	}
	live.credentials.Add(1)
	return &ServerCredentials{c: C.grpc_ssl_server_credentials_create_ex(root, arr, C.size_t(n), req, nil)}
}

// Release drops the reference (grpc_server_credentials_release).
func (sc *ServerCredentials) Release() {
	if sc.c == nil {
		return
	}
	C.grpc_server_credentials_release(sc.c)
	sc.c = nil
	live.credentials.Add(-1)
}

// SetCredentials attaches call credentials to a client call before its
// first batch (grpc_call_set_credentials); the call takes its own reference.
func (c *Call) SetCredentials(creds *CallCredentials) error {
	return callError(C.grpc_call_set_credentials(c.c, creds.c))
}
