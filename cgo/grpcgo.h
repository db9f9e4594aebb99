// grpcgo.h: the C side of package cgo. Every helper here bundles several
// C-core calls into one crossing from Go, and owns the C memory it allocates.
// Names carry the grpcgo_ prefix; sizes are named constants.

#ifndef GRPCGO_H
#define GRPCGO_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/slice.h>
#include <grpc/support/alloc.h>
#include <grpc/support/string_util.h>
#include <grpc/support/time.h>

// Op bits of a batch, in the order the ops are placed in the grpc_op array.
enum {
  GRPCGO_SEND_INITIAL_METADATA = 1 << 0,
  GRPCGO_SEND_MESSAGE = 1 << 1,
  GRPCGO_SEND_CLOSE_FROM_CLIENT = 1 << 2,
  GRPCGO_SEND_STATUS_FROM_SERVER = 1 << 3,
  GRPCGO_RECV_INITIAL_METADATA = 1 << 4,
  GRPCGO_RECV_MESSAGE = 1 << 5,
  GRPCGO_RECV_STATUS_ON_CLIENT = 1 << 6,
  GRPCGO_RECV_CLOSE_ON_SERVER = 1 << 7,
};
#define GRPCGO_MAX_OPS 8

// Events returned per crossing by grpcgo_cq_next_many.
#define GRPCGO_MAX_EVENTS 64

typedef struct {
  int type;  // grpc_completion_type
  int success;
  uintptr_t tag;
} grpcgo_event;

// A flattened metadata list: count entries of
//   uint32 key_len, key bytes, uint32 value_len, value bytes
// in native byte order, no padding.
typedef struct {
  grpc_metadata* md;
  size_t count;
} grpcgo_md;

// One batch of operations on a call. Everything C-core reads or writes after
// grpc_call_start_batch returns lives here, in C memory, until the batch is
// reset or freed.
typedef struct {
  grpc_op ops[GRPCGO_MAX_OPS];
  // Set by Go before grpcgo_batch_start.
  uint32_t opmask;
  uint32_t initial_md_flags;
  uint32_t message_flags;
  int32_t send_status;
  // Send side, owned here.
  grpcgo_md send_initial_md;
  grpcgo_md send_trailing_md;
  grpc_byte_buffer* send_message;
  grpc_slice send_details;
  // Receive side.
  grpc_metadata_array recv_initial_md;
  grpc_metadata_array recv_trailing_md;
  grpc_byte_buffer* recv_message;
  grpc_call* recv_call;  // with RECV_MESSAGE, a reference to the call until
                         // grpcgo_batch_result has read the message's flags
  grpc_status_code recv_status;
  grpc_slice recv_details;
  const char* error_string;
  int cancelled;
  // Results prepared by grpcgo_batch_result.
  int result_ready;
  grpc_slice message_slice;
  int has_message;
  int message_compressed;  // the message arrived compressed (see
                           // grpcgo_message_was_compressed)
  const char* message_ptr;
  size_t message_len;
  size_t initial_md_len;   // bytes of flattened initial metadata in the result buffer
  size_t trailing_md_len;  // bytes of flattened trailing metadata, after it
  size_t details_len;      // bytes of status details, after it
  size_t error_len;        // bytes of the debug error string, after it
} grpcgo_batch;

// A request slot on a server: what grpc_server_request_call and
// grpc_server_request_registered_call fill in.
typedef struct {
  grpc_call* call;
  grpc_call_details details;
  grpc_metadata_array md;
  gpr_timespec deadline;  // registered calls only
  grpc_byte_buffer* payload;
  int registered;
  // Results prepared by grpcgo_request_result.
  int result_ready;
  grpc_slice payload_slice;
  int has_payload;
  int payload_compressed;  // the payload arrived compressed
  const char* payload_ptr;
  size_t payload_len;
  size_t method_len;
  size_t host_len;
  size_t md_len;
  int64_t timeout_ns;  // -1: no deadline
} grpcgo_request;

int grpcgo_cq_pluck(grpc_completion_queue* cq, uintptr_t tag);
int grpcgo_cq_next_many(grpc_completion_queue* cq, grpcgo_event* out, int max,
                        int64_t timeout_ns);

grpc_channel_args* grpcgo_args_new(size_t n);
void grpcgo_args_set_int(grpc_channel_args* a, size_t i, const char* key,
                         int value);
void grpcgo_args_set_string(grpc_channel_args* a, size_t i, const char* key,
                            const char* value);
void grpcgo_args_free(grpc_channel_args* a);

grpc_channel* grpcgo_insecure_channel_create(const char* target,
                                             const grpc_channel_args* args);
grpc_call* grpcgo_channel_create_call(grpc_channel* ch,
                                      grpc_completion_queue* cq,
                                      void* registered, const char* method,
                                      size_t method_len, int64_t timeout_ns);

grpcgo_batch* grpcgo_batch_new(void);
void grpcgo_batch_reset(grpcgo_batch* b);
void grpcgo_batch_free(grpcgo_batch* b);
grpc_call_error grpcgo_batch_start(grpcgo_batch* b, grpc_call* call,
                                   uintptr_t tag, const char* initial_md,
                                   size_t initial_md_len, size_t initial_md_n,
                                   const char* msg, size_t msg_len,
                                   const char* trailing_md,
                                   size_t trailing_md_len,
                                   size_t trailing_md_n, const char* details,
                                   size_t details_len);
size_t grpcgo_batch_result(grpcgo_batch* b, char* buf, size_t cap);

size_t grpcgo_md_flat_size(const grpc_metadata_array* a);
void grpcgo_md_flatten(const grpc_metadata_array* a, char* out);

int grpcgo_server_add_insecure_port(grpc_server* s, const char* addr);
grpcgo_request* grpcgo_request_new(void);
void grpcgo_request_reset(grpcgo_request* r);
void grpcgo_request_free(grpcgo_request* r);
grpc_call_error grpcgo_request_call(grpc_server* s, grpcgo_request* r,
                                    grpc_completion_queue* cq, uintptr_t tag);
grpc_call_error grpcgo_request_registered_call(grpc_server* s, void* method,
                                               int with_payload,
                                               grpcgo_request* r,
                                               grpc_completion_queue* cq,
                                               uintptr_t tag);
size_t grpcgo_request_result(grpcgo_request* r, char* buf, size_t cap);
void grpcgo_server_shutdown(grpc_server* s, grpc_completion_queue* cq,
                            uintptr_t tag);

void grpcgo_channel_watch(grpc_channel* ch, int last, int64_t timeout_ns,
                          grpc_completion_queue* cq, uintptr_t tag);

// ---- auth context ----

// What grpcgo_call_auth_context found, and the sizes of the sections it
// writes, one after another, into the caller's buffer: the properties and the
// peer identities, each flattened like metadata (name, value), then the peer
// identity property name.
typedef struct {
  int has_context;       // grpc_call_auth_context gave a context
  int has_identity_key;  // it names a peer identity property
  size_t properties_len;
  size_t identities_len;
  size_t identity_key_len;
} grpcgo_auth_info;

size_t grpcgo_call_auth_context(grpc_call* call, grpcgo_auth_info* info,
                                char* buf, size_t cap);

#endif  // GRPCGO_H
