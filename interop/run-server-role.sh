#!/bin/bash
# Usage: interop/run-server-role.sh [ARGS...]
#
# The server half of the interop matrix: builds grpcio-go's interop server
# (interop/server), serves it in plaintext and then over TLS (grpc-go's
# testdata/server1.pem and server1.key, as the interop clients expect), and
# runs the shared interop harness against each with the grpc-go clients and
# the Python grpcio client:
#
#   $HARNESS/run-against-server.sh 127.0.0.1:PORT [--tls] --client go|python ARGS...
#
# plus, with the go client, pick_first_unary (one of grpc-go's optional cases
# that a single server can answer). ARGS go to every harness run (e.g.
# --verbose, or --cases a,b, which also drops the pick_first_unary run).
# It prints the harness's PASS/FAIL lines under a header per run, then a
# summary; the exit status is 0 only if every case passed.
#
# HARNESS is $INTEROP_HARNESS, else ../shared/interop next to the
# repository, else /work/shared/interop. When it is missing the script says "skipped" and exits 0 (CI may not have it).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
HARNESS=${INTEROP_HARNESS:-$ROOT/../shared/interop}
[ -x "$HARNESS/run-against-server.sh" ] || [ -n "${INTEROP_HARNESS:-}" ] || HARNESS=/work/shared/interop
export PATH=/usr/local/go/bin:$PATH

if [ ! -x "$HARNESS/run-against-server.sh" ]; then
  echo "interop server role: skipped: no interop harness at $HARNESS (set INTEROP_HARNESS)"
  exit 0
fi

PICK_FIRST=1
for a in "$@"; do [ "$a" = --cases ] && PICK_FIRST=0; done

WORK=$(mktemp -d)
SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
  fi
}
trap 'stop_server; rm -rf "$WORK"' EXIT

echo "interop server role: building interop/server"
(cd "$ROOT" && go build -o "$WORK/server" ./interop/server) || { echo "interop server role: go build failed"; exit 1; }

# grpc-go's test certificates, from the module the harness uses too.
GOPEERS=$HERE/testdata/gopeers
CERTS=$(cd "$GOPEERS" && GOWORK=off go mod download google.golang.org/grpc >/dev/null 2>&1;
        GOWORK=off go list -m -f '{{.Dir}}' google.golang.org/grpc 2>/dev/null)/testdata
if [ ! -f "$CERTS/server1.pem" ] || [ ! -f "$CERTS/server1.key" ]; then
  echo "interop server role: no grpc-go test certificates at $CERTS (needs the Go module proxy)"
  exit 1
fi

# start_server MODE: starts the server (plaintext or tls) and sets PORT.
start_server() {
  local flags=() i
  [ "$1" = tls ] && flags=(--use_tls --tls_cert_file="$CERTS/server1.pem" --tls_key_file="$CERTS/server1.key")
  rm -f "$WORK/port"
  "$WORK/server" --port=0 --port_file="$WORK/port" "${flags[@]}" >"$WORK/server-$1.log" 2>&1 &
  SERVER_PID=$!
  for i in $(seq 300); do
    [ -s "$WORK/port" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -s "$WORK/port" ]; then
    echo "interop server role: the $1 server did not start:"
    cat "$WORK/server-$1.log"
    exit 1
  fi
  PORT=$(cat "$WORK/port")
}

SUMMARY=()
TOTAL_PASSED=0
TOTAL_FAILED=0
STATUS=0
# harness TITLE ARGS...: one harness run, its lines printed and counted.
harness() {
  local title=$1 rc passed failed
  shift
  echo
  echo "== $title =="
  "$HARNESS/run-against-server.sh" "$@" | tee "$WORK/out"
  rc=${PIPESTATUS[0]}
  passed=$(grep -c '^PASS ' "$WORK/out")
  failed=$(grep -c '^FAIL ' "$WORK/out")
  if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
    failed=1 # the harness itself failed (usage, peers)
    SUMMARY+=("$(printf '%-32s harness error (exit status %s)' "$title:" "$rc")")
  else
    SUMMARY+=("$(printf '%-32s %d passed, %d failed' "$title:" "$passed" "$failed")")
  fi
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  [ "$rc" = 0 ] || STATUS=1
}

for mode in plaintext tls; do
  start_server $mode
  tlsflag=()
  [ $mode = tls ] && tlsflag=(--tls)
  echo
  echo "interop server role: $mode server on 127.0.0.1:$PORT (pid $SERVER_PID)"
  harness "client go, $mode" "127.0.0.1:$PORT" "${tlsflag[@]}" --client go "$@"
  if [ $PICK_FIRST = 1 ]; then
    harness "client go, $mode, optional" "127.0.0.1:$PORT" "${tlsflag[@]}" --client go --cases pick_first_unary "$@"
  fi
  harness "client python, $mode" "127.0.0.1:$PORT" "${tlsflag[@]}" --client python "$@"
  stop_server
done

echo
echo "== summary =="
printf '%s\n' "${SUMMARY[@]}"
echo "total: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
exit $STATUS
