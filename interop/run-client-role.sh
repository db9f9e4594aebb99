#!/bin/bash
# Usage: interop/run-client-role.sh [--verbose] [--cases a,b,...]
#
# The interop client role: builds grpcio-go's interop client (interop/client)
# and runs the shared harness's run-client.sh with it against the harness's
# peer servers, four times: --server auto and --server python, each plaintext
# and with --tls. Prints the harness's PASS/FAIL lines tagged with the run,
# SKIP lines for the cases a server cannot serve, then a summary; exits 1 if
# any case failed (2 if the client does not build), 0 otherwise.
#
# Cases: the 14 core cases, the 4 compression cases and rpc_soak, channel_soak
# (--cases picks some). The Python grpcio server cannot serve
# client_compressed_unary and client_compressed_streaming: grpcio cannot see
# whether a request was compressed, so it answers every expect_compressed=true
# request with INVALID_ARGUMENT, the compressed ones included (shared/interop
# README); those are skipped for --server python.
#
# The harness is $INTEROP_HARNESS, else ../shared/interop next to the repository, else /work/shared/interop.
# Without it the script prints a SKIP line and exits 0.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HARNESS=${INTEROP_HARNESS:-$ROOT/../shared/interop}
[ -x "$HARNESS/run-client.sh" ] || [ -n "${INTEROP_HARNESS:-}" ] || HARNESS=/work/shared/interop
export PATH=/usr/local/go/bin:$PATH

CASES="empty_unary large_unary client_streaming server_streaming ping_pong empty_stream
timeout_on_sleeping_server cancel_after_begin cancel_after_first_response custom_metadata
status_code_and_message special_status_message unimplemented_method unimplemented_service
client_compressed_unary server_compressed_unary client_compressed_streaming server_compressed_streaming
rpc_soak channel_soak"
# Cases the Python grpcio server cannot serve, and why.
PYTHON_CANNOT="client_compressed_unary client_compressed_streaming"
PYTHON_WHY="the grpcio server cannot see request compression and rejects every expect_compressed=true request"

VERBOSE=()
while [ $# -gt 0 ]; do
  case $1 in
    --verbose) VERBOSE=(--verbose);;
    --cases) CASES=$(echo "$2" | tr ',' ' '); shift;;
    -h|--help) sed -n '2,23p' "$0"; exit 0;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac; shift
done

if [ ! -x "$HARNESS/run-client.sh" ]; then
  echo "SKIP interop client role: no interop harness at $HARNESS (set INTEROP_HARNESS to the shared/interop directory)"
  exit 0
fi

WORK=$(mktemp -d -t interop-client-role.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
CLIENT=$WORK/interop_client
if ! (cd "$ROOT" && go build -o "$CLIENT" ./interop/client); then
  echo "FAIL interop client role: go build ./interop/client failed"
  exit 2
fi
TEMPLATE="$CLIENT --server_host={host} --server_port={port} --test_case={test_case} {tls_flags}"

TOTAL_PASS=0; TOTAL_FAIL=0; TOTAL_SKIP=0
SUMMARY=()
for server in auto python; do
  for tls in plaintext tls; do
    run="$server $tls"
    cases=""
    for c in $CASES; do
      case " $(echo $PYTHON_CANNOT) " in
        *" $c "*) if [ $server = python ]; then
                    echo "SKIP [$run] $c: $PYTHON_WHY"; TOTAL_SKIP=$((TOTAL_SKIP+1)); continue
                  fi;;
      esac
      cases="$cases,$c"
    done
    cases=${cases#,}
    [ -n "$cases" ] || continue
    tlsflag=(); [ $tls = tls ] && tlsflag=(--tls)
    "$HARNESS/run-client.sh" "$TEMPLATE" --server $server "${tlsflag[@]}" --cases "$cases" "${VERBOSE[@]}" \
      >"$WORK/out" 2>"$WORK/err"
    rc=$?
    # The harness logs progress on stderr; show it only with --verbose or on
    # a harness error (exit 2: a peer did not build or start).
    if [ ${#VERBOSE[@]} -gt 0 ] || [ $rc -ge 2 ]; then sed "s/^/[$run] /" "$WORK/err" >&2; fi
    pass=$(grep -c '^PASS ' "$WORK/out"); fail=$(grep -c '^FAIL ' "$WORK/out")
    grep -E '^(PASS|FAIL) ' "$WORK/out" | sed -E "s/^(PASS|FAIL) /\1 [$run] /"
    if [ $rc -ge 2 ] && [ $fail = 0 ]; then
      echo "FAIL [$run] harness: run-client.sh exited with status $rc"; fail=1
    fi
    TOTAL_PASS=$((TOTAL_PASS+pass)); TOTAL_FAIL=$((TOTAL_FAIL+fail))
    SUMMARY+=("$(printf '%-18s %3d passed, %d failed' "$run:" "$pass" "$fail")")
  done
done

echo "summary (server, transport):"
printf '  %s\n' "${SUMMARY[@]}"
echo "$TOTAL_PASS passed, $TOTAL_FAIL failed, $TOTAL_SKIP skipped"
[ $TOTAL_FAIL = 0 ]
