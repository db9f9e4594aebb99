// grpcgo.c: C helpers of package cgo. See grpcgo.h.

#include "grpcgo.h"

static gpr_timespec grpcgo_deadline(int64_t timeout_ns) {
  if (timeout_ns < 0) return gpr_inf_future(GPR_CLOCK_MONOTONIC);
  return gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                      gpr_time_from_nanos(timeout_ns, GPR_TIMESPAN));
}

static int64_t grpcgo_timeout_from_deadline(gpr_timespec deadline) {
  if (gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) == 0) {
    return -1;
  }
  gpr_timespec mono = gpr_convert_clock_type(deadline, GPR_CLOCK_MONOTONIC);
  gpr_timespec left = gpr_time_sub(mono, gpr_now(GPR_CLOCK_MONOTONIC));
  int64_t ns = (int64_t)left.tv_sec * 1000000000 + left.tv_nsec;
  return ns < 0 ? 0 : ns;
}

static void grpcgo_fill_event(grpcgo_event* out, grpc_event ev) {
  out->type = (int)ev.type;
  out->success = ev.success;
  out->tag = (uintptr_t)ev.tag;
}

int grpcgo_cq_next_many(grpc_completion_queue* cq, grpcgo_event* out, int max,
                        int64_t timeout_ns) {
  gpr_timespec first = timeout_ns == 0 ? gpr_inf_past(GPR_CLOCK_MONOTONIC)
                                       : grpcgo_deadline(timeout_ns);
  grpc_event ev = grpc_completion_queue_next(cq, first, NULL);
  if (ev.type == GRPC_QUEUE_TIMEOUT) return 0;
  grpcgo_fill_event(&out[0], ev);
  if (ev.type != GRPC_OP_COMPLETE) return 1;
  int n = 1;
  while (n < max) {
    ev = grpc_completion_queue_next(cq, gpr_inf_past(GPR_CLOCK_MONOTONIC),
                                    NULL);
    if (ev.type == GRPC_QUEUE_TIMEOUT) break;
    grpcgo_fill_event(&out[n++], ev);
    if (ev.type != GRPC_OP_COMPLETE) break;
  }
  return n;
}

int grpcgo_cq_pluck(grpc_completion_queue* cq, uintptr_t tag) {
  grpc_event ev = grpc_completion_queue_pluck(
      cq, (void*)tag, gpr_inf_future(GPR_CLOCK_MONOTONIC), NULL);
  return ev.type == GRPC_OP_COMPLETE && ev.success;
}

// ---- channel args ----

grpc_channel_args* grpcgo_args_new(size_t n) {
  grpc_channel_args* a = gpr_zalloc(sizeof(grpc_channel_args));
  a->num_args = n;
  a->args = n ? gpr_zalloc(n * sizeof(grpc_arg)) : NULL;
  return a;
}

void grpcgo_args_set_int(grpc_channel_args* a, size_t i, const char* key,
                         int value) {
  a->args[i].type = GRPC_ARG_INTEGER;
  a->args[i].key = gpr_strdup(key);
  a->args[i].value.integer = value;
}

void grpcgo_args_set_string(grpc_channel_args* a, size_t i, const char* key,
                            const char* value) {
  a->args[i].type = GRPC_ARG_STRING;
  a->args[i].key = gpr_strdup(key);
  a->args[i].value.string = gpr_strdup(value);
}

void grpcgo_args_free(grpc_channel_args* a) {
  if (a == NULL) return;
  for (size_t i = 0; i < a->num_args; i++) {
    gpr_free(a->args[i].key);
    if (a->args[i].type == GRPC_ARG_STRING) gpr_free(a->args[i].value.string);
  }
  gpr_free(a->args);
  gpr_free(a);
}

// ---- channels and calls ----

grpc_channel* grpcgo_insecure_channel_create(const char* target,
                                             const grpc_channel_args* args) {
  grpc_channel_credentials* creds = grpc_insecure_credentials_create();
  grpc_channel* ch = grpc_channel_create(target, creds, args);
  grpc_channel_credentials_release(creds);
  return ch;
}

grpc_call* grpcgo_channel_create_call(grpc_channel* ch,
                                      grpc_completion_queue* cq,
                                      void* registered, const char* method,
                                      size_t method_len, int64_t timeout_ns) {
  gpr_timespec deadline = grpcgo_deadline(timeout_ns);
  if (registered != NULL) {
    return grpc_channel_create_registered_call(
        ch, NULL, GRPC_PROPAGATE_DEFAULTS, cq, registered, deadline, NULL);
  }
  grpc_slice m = grpc_slice_from_copied_buffer(method, method_len);
  grpc_call* c = grpc_channel_create_call(ch, NULL, GRPC_PROPAGATE_DEFAULTS,
                                          cq, m, NULL, deadline, NULL);
  grpc_slice_unref(m);
  return c;
}

void grpcgo_channel_watch(grpc_channel* ch, int last, int64_t timeout_ns,
                          grpc_completion_queue* cq, uintptr_t tag) {
  grpc_channel_watch_connectivity_state(ch, (grpc_connectivity_state)last,
                                        grpcgo_deadline(timeout_ns), cq,
                                        (void*)tag);
}

// ---- metadata ----

static uint32_t grpcgo_get_u32(const char* p) {
  uint32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

static void grpcgo_put_u32(char* p, uint32_t v) { memcpy(p, &v, sizeof v); }

static void grpcgo_md_parse(grpcgo_md* out, const char* buf, size_t len,
                            size_t n) {
  out->md = NULL;
  out->count = 0;
  if (n == 0) return;
  out->md = gpr_zalloc(n * sizeof(grpc_metadata));
  const char* p = buf;
  const char* end = buf + len;
  size_t i = 0;
  for (; i < n && p + 4 <= end; i++) {
    uint32_t kl = grpcgo_get_u32(p);
    p += 4;
    if (p + kl + 4 > end) break;
    out->md[i].key = grpc_slice_from_copied_buffer(p, kl);
    p += kl;
    uint32_t vl = grpcgo_get_u32(p);
    p += 4;
    if (p + vl > end) {
      grpc_slice_unref(out->md[i].key);
      break;
    }
    out->md[i].value = grpc_slice_from_copied_buffer(p, vl);
    p += vl;
  }
  out->count = i;
}

static void grpcgo_md_free(grpcgo_md* m) {
  for (size_t i = 0; i < m->count; i++) {
    grpc_slice_unref(m->md[i].key);
    grpc_slice_unref(m->md[i].value);
  }
  gpr_free(m->md);
  m->md = NULL;
  m->count = 0;
}

size_t grpcgo_md_flat_size(const grpc_metadata_array* a) {
  size_t n = 0;
  for (size_t i = 0; i < a->count; i++) {
    n += 8 + GRPC_SLICE_LENGTH(a->metadata[i].key) +
         GRPC_SLICE_LENGTH(a->metadata[i].value);
  }
  return n;
}

void grpcgo_md_flatten(const grpc_metadata_array* a, char* out) {
  for (size_t i = 0; i < a->count; i++) {
    size_t kl = GRPC_SLICE_LENGTH(a->metadata[i].key);
    size_t vl = GRPC_SLICE_LENGTH(a->metadata[i].value);
    grpcgo_put_u32(out, (uint32_t)kl);
    memcpy(out + 4, GRPC_SLICE_START_PTR(a->metadata[i].key), kl);
    out += 4 + kl;
    grpcgo_put_u32(out, (uint32_t)vl);
    memcpy(out + 4, GRPC_SLICE_START_PTR(a->metadata[i].value), vl);
    out += 4 + vl;
  }
}

// ---- received message flags ----

// C-core's internal message flags (src/core/lib/transport/transport.h): the
// transport sets INTERNAL_COMPRESS on a message whose compressed-flag byte is
// 1; the message_decompress filter, having inflated it, swaps that for
// INTERNAL_TEST_ONLY_WAS_COMPRESSED.
#define GRPCGO_WRITE_INTERNAL_COMPRESS 0x80000000u
#define GRPCGO_WRITE_INTERNAL_TEST_ONLY_WAS_COMPRESSED 0x40000000u

// grpcgo_call_message_flags is C-core's grpc_call_test_only_get_message_flags
// (src/core/lib/surface/call_test_only.h): the flags of the last message the
// call received. That header is not installed and declares the function with
// C++ linkage, so it is bound here by its mangled name, which libgrpc.so
// exports. It is the only way C-core 1.51 tells the application whether a
// received message was compressed: the byte buffer the decompress filter
// hands over is plain (data.raw.compression is GRPC_COMPRESS_NONE), and
// grpc_op.flags are inputs only. gRPC's C++ interop server reads the same
// flags (test/cpp/interop/server_helper.cc, WasCompressed).
// The reference is weak: a C-core that does not export the function still
// links, and then no message is reported as compressed.
extern uint32_t grpcgo_call_message_flags(grpc_call* call) __asm__(
    "_Z37grpc_call_test_only_get_message_flagsP9grpc_call")
    __attribute__((weak));

// grpcgo_message_was_compressed reports whether the message call received
// last arrived compressed. Call it after its RECV_MESSAGE completed and
// before another starts.
static int grpcgo_message_was_compressed(grpc_call* call) {
  if (grpcgo_call_message_flags == NULL) return 0;
  return (grpcgo_call_message_flags(call) &
          (GRPCGO_WRITE_INTERNAL_COMPRESS |
           GRPCGO_WRITE_INTERNAL_TEST_ONLY_WAS_COMPRESSED)) != 0;
}

// ---- batches ----

// grpcgo_batch_release_call drops the batch's reference to its call, taken
// for RECV_MESSAGE. It goes as soon as the flags are read (or the batch was
// refused), so that it is never the call's last one while the call's owner
// holds its own.
static void grpcgo_batch_release_call(grpcgo_batch* b) {
  if (b->recv_call == NULL) return;
  grpc_call_unref(b->recv_call);
  b->recv_call = NULL;
}

static void grpcgo_batch_init(grpcgo_batch* b) {
  memset(b, 0, sizeof *b);
  grpc_metadata_array_init(&b->recv_initial_md);
  grpc_metadata_array_init(&b->recv_trailing_md);
  b->send_details = grpc_empty_slice();
  b->recv_details = grpc_empty_slice();
  b->message_slice = grpc_empty_slice();
}

grpcgo_batch* grpcgo_batch_new(void) {
  grpcgo_batch* b = gpr_malloc(sizeof(grpcgo_batch));
  grpcgo_batch_init(b);
  return b;
}

void grpcgo_batch_reset(grpcgo_batch* b) {
  grpcgo_md_free(&b->send_initial_md);
  grpcgo_md_free(&b->send_trailing_md);
  if (b->send_message) grpc_byte_buffer_destroy(b->send_message);
  grpc_slice_unref(b->send_details);
  grpc_metadata_array_destroy(&b->recv_initial_md);
  grpc_metadata_array_destroy(&b->recv_trailing_md);
  if (b->recv_message) grpc_byte_buffer_destroy(b->recv_message);
  grpcgo_batch_release_call(b);
  grpc_slice_unref(b->recv_details);
  if (b->error_string) gpr_free((void*)b->error_string);
  grpc_slice_unref(b->message_slice);
  grpcgo_batch_init(b);
}

void grpcgo_batch_free(grpcgo_batch* b) {
  grpcgo_batch_reset(b);
  gpr_free(b);
}

grpc_call_error grpcgo_batch_start(grpcgo_batch* b, grpc_call* call,
                                   uintptr_t tag, const char* initial_md,
                                   size_t initial_md_len, size_t initial_md_n,
                                   const char* msg, size_t msg_len,
                                   const char* trailing_md,
                                   size_t trailing_md_len,
                                   size_t trailing_md_n, const char* details,
                                   size_t details_len) {
  uint32_t m = b->opmask;
  grpc_op* op = b->ops;
  memset(b->ops, 0, sizeof b->ops);
  if (m & GRPCGO_SEND_INITIAL_METADATA) {
    grpcgo_md_parse(&b->send_initial_md, initial_md, initial_md_len,
                    initial_md_n);
    op->op = GRPC_OP_SEND_INITIAL_METADATA;
    op->flags = b->initial_md_flags;
    op->data.send_initial_metadata.count = b->send_initial_md.count;
    op->data.send_initial_metadata.metadata = b->send_initial_md.md;
    op++;
  }
  if (m & GRPCGO_SEND_MESSAGE) {
    grpc_slice s = grpc_slice_from_copied_buffer(msg, msg_len);
    b->send_message = grpc_raw_byte_buffer_create(&s, 1);
    grpc_slice_unref(s);
    op->op = GRPC_OP_SEND_MESSAGE;
    op->flags = b->message_flags;
    op->data.send_message.send_message = b->send_message;
    op++;
  }
  if (m & GRPCGO_SEND_CLOSE_FROM_CLIENT) {
    op->op = GRPC_OP_SEND_CLOSE_FROM_CLIENT;
    op++;
  }
  if (m & GRPCGO_SEND_STATUS_FROM_SERVER) {
    grpcgo_md_parse(&b->send_trailing_md, trailing_md, trailing_md_len,
                    trailing_md_n);
    op->op = GRPC_OP_SEND_STATUS_FROM_SERVER;
    op->data.send_status_from_server.trailing_metadata_count =
        b->send_trailing_md.count;
    op->data.send_status_from_server.trailing_metadata =
        b->send_trailing_md.md;
    op->data.send_status_from_server.status =
        (grpc_status_code)b->send_status;
    if (details_len > 0) {
      b->send_details = grpc_slice_from_copied_buffer(details, details_len);
      op->data.send_status_from_server.status_details = &b->send_details;
    }
    op++;
  }
  if (m & GRPCGO_RECV_INITIAL_METADATA) {
    op->op = GRPC_OP_RECV_INITIAL_METADATA;
    op->data.recv_initial_metadata.recv_initial_metadata = &b->recv_initial_md;
    op++;
  }
  if (m & GRPCGO_RECV_MESSAGE) {
    grpc_call_ref(call);
    b->recv_call = call;
    op->op = GRPC_OP_RECV_MESSAGE;
    op->data.recv_message.recv_message = &b->recv_message;
    op++;
  }
  if (m & GRPCGO_RECV_STATUS_ON_CLIENT) {
    op->op = GRPC_OP_RECV_STATUS_ON_CLIENT;
    op->data.recv_status_on_client.trailing_metadata = &b->recv_trailing_md;
    op->data.recv_status_on_client.status = &b->recv_status;
    op->data.recv_status_on_client.status_details = &b->recv_details;
    op->data.recv_status_on_client.error_string = &b->error_string;
    op++;
  }
  if (m & GRPCGO_RECV_CLOSE_ON_SERVER) {
    op->op = GRPC_OP_RECV_CLOSE_ON_SERVER;
    op->data.recv_close_on_server.cancelled = &b->cancelled;
    op++;
  }
  grpc_call_error err = grpc_call_start_batch(call, b->ops,
                                             (size_t)(op - b->ops),
                                             (void*)tag, NULL);
  if (err != GRPC_CALL_OK) grpcgo_batch_release_call(b);
  return err;
}

static void grpcgo_read_all(grpc_byte_buffer* bb, grpc_slice* out) {
  grpc_byte_buffer_reader reader;
  if (!grpc_byte_buffer_reader_init(&reader, bb)) {
    *out = grpc_empty_slice();
    return;
  }
  *out = grpc_byte_buffer_reader_readall(&reader);
  grpc_byte_buffer_reader_destroy(&reader);
}

size_t grpcgo_batch_result(grpcgo_batch* b, char* buf, size_t cap) {
  if (!b->result_ready) {
    b->result_ready = 1;
    if (b->recv_message != NULL) {
      grpcgo_read_all(b->recv_message, &b->message_slice);
      b->has_message = 1;
      b->message_compressed = grpcgo_message_was_compressed(b->recv_call);
      b->message_ptr = (const char*)GRPC_SLICE_START_PTR(b->message_slice);
      b->message_len = GRPC_SLICE_LENGTH(b->message_slice);
    }
    grpcgo_batch_release_call(b);
    b->initial_md_len = grpcgo_md_flat_size(&b->recv_initial_md);
    b->trailing_md_len = grpcgo_md_flat_size(&b->recv_trailing_md);
    b->details_len = GRPC_SLICE_LENGTH(b->recv_details);
    b->error_len = b->error_string ? strlen(b->error_string) : 0;
  }
  size_t need =
      b->initial_md_len + b->trailing_md_len + b->details_len + b->error_len;
  if (need == 0 || need > cap) return need;
  char* p = buf;
  grpcgo_md_flatten(&b->recv_initial_md, p);
  p += b->initial_md_len;
  grpcgo_md_flatten(&b->recv_trailing_md, p);
  p += b->trailing_md_len;
  memcpy(p, GRPC_SLICE_START_PTR(b->recv_details), b->details_len);
  p += b->details_len;
  if (b->error_len) memcpy(p, b->error_string, b->error_len);
  return need;
}

// ---- servers ----

int grpcgo_server_add_insecure_port(grpc_server* s, const char* addr) {
  grpc_server_credentials* creds = grpc_insecure_server_credentials_create();
  int port = grpc_server_add_http2_port(s, addr, creds);
  grpc_server_credentials_release(creds);
  return port;
}

static void grpcgo_request_init(grpcgo_request* r) {
  memset(r, 0, sizeof *r);
  grpc_call_details_init(&r->details);
  grpc_metadata_array_init(&r->md);
  r->payload_slice = grpc_empty_slice();
}

grpcgo_request* grpcgo_request_new(void) {
  grpcgo_request* r = gpr_malloc(sizeof(grpcgo_request));
  grpcgo_request_init(r);
  return r;
}

void grpcgo_request_reset(grpcgo_request* r) {
  grpc_call_details_destroy(&r->details);
  grpc_metadata_array_destroy(&r->md);
  if (r->payload) grpc_byte_buffer_destroy(r->payload);
  grpc_slice_unref(r->payload_slice);
  grpcgo_request_init(r);
}

void grpcgo_request_free(grpcgo_request* r) {
  grpcgo_request_reset(r);
  gpr_free(r);
}

grpc_call_error grpcgo_request_call(grpc_server* s, grpcgo_request* r,
                                    grpc_completion_queue* cq, uintptr_t tag) {
  r->registered = 0;
  return grpc_server_request_call(s, &r->call, &r->details, &r->md, cq, cq,
                                  (void*)tag);
}

grpc_call_error grpcgo_request_registered_call(grpc_server* s, void* method,
                                               int with_payload,
                                               grpcgo_request* r,
                                               grpc_completion_queue* cq,
                                               uintptr_t tag) {
  r->registered = 1;
  return grpc_server_request_registered_call(
      s, method, &r->call, &r->deadline, &r->md,
      with_payload ? &r->payload : NULL, cq, cq, (void*)tag);
}

size_t grpcgo_request_result(grpcgo_request* r, char* buf, size_t cap) {
  if (!r->result_ready) {
    r->result_ready = 1;
    if (r->payload != NULL) {
      grpcgo_read_all(r->payload, &r->payload_slice);
      r->has_payload = 1;
      r->payload_compressed = grpcgo_message_was_compressed(r->call);
      r->payload_ptr = (const char*)GRPC_SLICE_START_PTR(r->payload_slice);
      r->payload_len = GRPC_SLICE_LENGTH(r->payload_slice);
    }
    if (r->registered) {
      r->method_len = 0;
      r->host_len = 0;
      r->timeout_ns = grpcgo_timeout_from_deadline(r->deadline);
    } else {
      r->method_len = GRPC_SLICE_LENGTH(r->details.method);
      r->host_len = GRPC_SLICE_LENGTH(r->details.host);
      r->timeout_ns = grpcgo_timeout_from_deadline(r->details.deadline);
    }
    r->md_len = grpcgo_md_flat_size(&r->md);
  }
  size_t need = r->method_len + r->host_len + r->md_len;
  if (need == 0 || need > cap) return need;
  char* p = buf;
  if (!r->registered) {
    memcpy(p, GRPC_SLICE_START_PTR(r->details.method), r->method_len);
    p += r->method_len;
    memcpy(p, GRPC_SLICE_START_PTR(r->details.host), r->host_len);
    p += r->host_len;
  }
  grpcgo_md_flatten(&r->md, p);
  return need;
}

void grpcgo_server_shutdown(grpc_server* s, grpc_completion_queue* cq,
                            uintptr_t tag) {
  grpc_server_shutdown_and_notify(s, cq, (void*)tag);
}

// ---- auth context ----

// grpcgo_auth_flatten walks it and returns the bytes its properties take
// flattened as (name, value) pairs, writing them to out unless it is NULL.
// Properties without a value are skipped, as grpcio skips them.
static size_t grpcgo_auth_flatten(grpc_auth_property_iterator it, char* out) {
  size_t n = 0;
  const grpc_auth_property* p;
  while ((p = grpc_auth_property_iterator_next(&it)) != NULL) {
    if (p->name == NULL || p->value == NULL) continue;
    size_t kl = strlen(p->name);
    size_t vl = p->value_length;
    if (out != NULL) {
      grpcgo_put_u32(out + n, (uint32_t)kl);
      memcpy(out + n + 4, p->name, kl);
      grpcgo_put_u32(out + n + 4 + kl, (uint32_t)vl);
      memcpy(out + n + 8 + kl, p->value, vl);
    }
    n += 8 + kl + vl;
  }
  return n;
}

// grpcgo_call_auth_context reads the call's auth context
// (grpc_call_auth_context): it fills info and, when the sections fit in cap
// bytes, writes them to buf. It returns the bytes the sections need.
size_t grpcgo_call_auth_context(grpc_call* call, grpcgo_auth_info* info,
                                char* buf, size_t cap) {
  memset(info, 0, sizeof *info);
  grpc_auth_context* ctx = grpc_call_auth_context(call);
  if (ctx == NULL) return 0;
  info->has_context = 1;
  info->properties_len =
      grpcgo_auth_flatten(grpc_auth_context_property_iterator(ctx), NULL);
  info->identities_len =
      grpcgo_auth_flatten(grpc_auth_context_peer_identity(ctx), NULL);
  const char* key = grpc_auth_context_peer_identity_property_name(ctx);
  if (key != NULL) {
    info->has_identity_key = 1;
    info->identity_key_len = strlen(key);
  }
  size_t need =
      info->properties_len + info->identities_len + info->identity_key_len;
  if (need > 0 && need <= cap) {
    char* p = buf;
    p += grpcgo_auth_flatten(grpc_auth_context_property_iterator(ctx), p);
    p += grpcgo_auth_flatten(grpc_auth_context_peer_identity(ctx), p);
    if (key != NULL) memcpy(p, key, info->identity_key_len);
  }
  grpc_auth_context_release(ctx);
  return need;
}
