#!/usr/bin/env bash
# Builds bench-server and bench-client into benchmarks/bin and runs the
# loopback harness's matrix with them as extra peers (grpcio-go server and
# client, plus the client in dedicated-poller mode), next to the grpc-go,
# C++ and Python reference peers.
#
#   benchmarks/run-matrix.sh [extra matrix.sh flags, e.g. --report FILE]
#
# Env: BENCH_DIR (default /work/shared/bench), DURATION (default 5),
#      MODES (default latency,qps,stream,flood,large: every case of the
#      harness; `large` is unary 1 MiB, run in the client's latency mode),
#      SERVERS (default go,cpp,python).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH_DIR=${BENCH_DIR:-/work/shared/bench}
export PATH=/usr/local/go/bin:$PATH
BIN=$HERE/bin
mkdir -p "$BIN"
(cd "$HERE/.." && go build -trimpath -o "$BIN/bench-server" ./benchmarks/bench-server &&
	go build -trimpath -o "$BIN/bench-client" ./benchmarks/bench-client)
if [ ! -x "$BENCH_DIR/build/bin/cpp-server" ] || [ ! -x "$BENCH_DIR/build/bin/go-client" ]; then
	SKIP_GHZ=1 "$BENCH_DIR/build.sh"
fi
exec "$BENCH_DIR/matrix.sh" --no-ghz --modes "${MODES:-latency,qps,stream,flood,large}" --servers "${SERVERS:-go,cpp,python}" \
	--duration "${DURATION:-5}" \
	--extra-server "grpcio-go=$BIN/bench-server --port {port}" \
	--extra-client "grpcio-go=$BIN/bench-client --target {target}" \
	--extra-client "grpcio-go-dedicated=$BIN/bench-client --poll-mode dedicated_poller --target {target}" \
	"$@"
