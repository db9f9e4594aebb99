# grpcio-go's build, demo and checks. `make demo` and `make test` install
# what is missing first (scripts/deps.sh; apt packages need root or sudo).

export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:

HELLOWORLD := examples/helloworld
# The .proto files whose generated Go code is checked in, each next to it.
PROTOS := $(HELLOWORLD)/helloworld/helloworld.proto \
	examples/route_guide/routeguide/route_guide.proto

# protoc with the protoc-gen-go that scripts/deps.sh installs in GOPATH/bin,
# as a shell function: `protoc_go PROTO OUT_DIR` compiles PROTO (its own
# directory is the proto path) into OUT_DIR/<name>.pb.go.
define protoc_go
gopath="$$(go env GOPATH)"
protoc_go() {
	protoc --plugin=protoc-gen-go="$${gopath%%:*}/bin/protoc-gen-go" \
		--proto_path="$$(dirname "$$1")" --go_out="$$2" --go_opt=paths=source_relative \
		"$$1"
}
endef

.PHONY: all deps demo test fmt-check vet go-test generate check-generated clean

all: test

## deps: install what is missing (apt packages, protoc-gen-go)
deps:
	scripts/deps.sh

## demo: build the helloworld programs, serve, greet once, stop
demo: deps
	@go build -o bin/ ./$(HELLOWORLD)/greeter_server ./$(HELLOWORLD)/greeter_client
	echo "demo: built bin/greeter_server and bin/greeter_client"
	log="$$(mktemp)"
	bin/greeter_server --port 0 >"$$log" 2>&1 &
	pid=$$!
	trap 'kill -TERM $$pid 2>/dev/null || true; wait $$pid 2>/dev/null || true; sed "s/^/demo: server: /" "$$log" | tail -n +2; rm -f "$$log"' EXIT
	port=
	for _ in $$(seq 300); do
		port="$$(sed -n 's/^Server started, listening on //p' "$$log")"
		[[ -n $$port ]] && break
		kill -0 $$pid 2>/dev/null || break
		sleep 0.1
	done
	if [[ -z $$port ]]; then
		echo "demo: greeter_server did not start:" >&2
		cat "$$log" >&2
		exit 1
	fi
	echo "demo: server: Server started, listening on $$port"
	echo "demo: bin/greeter_client --target localhost:$$port --name world"
	greeting="$$(bin/greeter_client --target "localhost:$$port" --name world)" || true
	echo "$$greeting"
	if [[ $$greeting != "Greeter client received: Hello, world!" ]]; then
		echo "demo: FAILED: no greeting from the server" >&2
		exit 1
	fi

## test: the whole suite: generated code, formatting, vet, race-enabled tests
test: deps check-generated fmt-check vet go-test

fmt-check:
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		list_go() { git ls-files -z --cached --others --exclude-standard -- '*.go'; }
	else
		list_go() { find . -name '*.go' -not -path './third_party/*' -print0; }
	fi
	unformatted="$$(list_go | xargs -0 -r gofmt -l)"
	if [[ -n $$unformatted ]]; then
		echo "gofmt: these files are not formatted (run gofmt -w):" >&2
		echo "$$unformatted" >&2
		exit 1
	fi
	echo "gofmt: all files formatted"

vet:
	go vet ./...

go-test:
	go test -race -count=1 ./...

## generate: regenerate the checked-in protobuf code
generate: deps
	@$(protoc_go)
	for proto in $(PROTOS); do
		protoc_go "$$proto" "$$(dirname "$$proto")"
		echo "generate: wrote $${proto%.proto}.pb.go"
	done

## check-generated: fail if the checked-in protobuf code is not what generate writes
check-generated: deps
	@tmp="$$(mktemp -d)"
	trap 'rm -rf "$$tmp"' EXIT
	$(protoc_go)
	stale=0
	for proto in $(PROTOS); do
		pb_go="$${proto%.proto}.pb.go"
		out="$$tmp/$$(dirname "$$proto")"
		mkdir -p "$$out"
		protoc_go "$$proto" "$$out"
		if diff -u "$$pb_go" "$$out/$$(basename "$$pb_go")"; then
			echo "check-generated: $$pb_go is up to date"
		else
			echo "check-generated: $$pb_go is stale or edited: run make generate" >&2
			stale=1
		fi
	done
	exit $$stale

clean:
	rm -rf bin/

## bench: build benchmarks/bin/bench-{server,client} and run the loopback
## matrix of /work/shared/bench against the grpc-go, C++ and Python peers
## (docs/benchmarks.md). BENCH_ARGS go to matrix.sh, e.g. --report FILE.
.PHONY: bench
bench:
	benchmarks/run-matrix.sh $(BENCH_ARGS)
