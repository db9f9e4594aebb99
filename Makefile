# grpcio-go's build, demo and checks. `make demo` and `make test` install
# what is missing first (scripts/deps.sh; apt packages need root or sudo).

export PATH := /usr/local/go/bin:$(HOME)/go/bin:$(PATH)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:

HELLOWORLD := examples/helloworld
GEN_TESTDATA := cmd/protoc-gen-grpcio-go/testdata

# The .proto files whose generated Go code is checked in next to them, as
# PROTO_PATH:FILE (PROTO_PATH is protoc's -I; FILE is relative to it):
# protoc-gen-go writes X.pb.go and protoc-gen-grpcio-go, when the file has
# services, X_grpcio.pb.go.
PROTOS := examples/helloworld/helloworld:helloworld.proto \
	examples/route_guide/routeguide:route_guide.proto \
	interop/grpc_testing:empty.proto \
	interop/grpc_testing:messages.proto \
	interop/grpc_testing:test.proto \
	$(GEN_TESTDATA):messages/messages.proto \
	$(GEN_TESTDATA):shapes/shapes.proto \
	$(GEN_TESTDATA):deprecated/deprecated.proto \
	$(GEN_TESTDATA):grpc/grpc.proto \
	$(GEN_TESTDATA):names/names.proto
# .proto files whose X.pb.go an older protoc-gen-go wrote once and is kept
# as it is (see the file's comment): only X_grpcio.pb.go is regenerated.
GRPCIO_ONLY_PROTOS := $(GEN_TESTDATA):oldgen/oldgen.proto

# Shell functions for generate and check-generated, given a temporary
# directory $tmp. protoc-gen-go is the one scripts/deps.sh installs in
# GOPATH/bin; protoc-gen-grpcio-go is built from this repository into
# $tmp/bin.
#   gen_one "PLUGINS" OUT PROTO_PATH:FILE  runs protoc with the plugins
#       ("go grpcio-go" or "grpcio-go"), writing next to FILE under OUT.
#   outputs "PLUGINS" PROTO_PATH:FILE      lists the files they may write.
define protoc_gen
gopath="$$(go env GOPATH)"
go build -o "$$tmp/bin/protoc-gen-grpcio-go" ./cmd/protoc-gen-grpcio-go
gen_one() {
	local out=$$2 proto_path=$${3%%:*} file=$${3#*:} args=() p
	for p in $$1; do
		args+=("--$${p}_out=$$out/$$proto_path" "--$${p}_opt=paths=source_relative")
	done
	mkdir -p "$$out/$$proto_path"
	protoc --plugin=protoc-gen-go="$${gopath%%:*}/bin/protoc-gen-go" \
		--plugin=protoc-gen-grpcio-go="$$tmp/bin/protoc-gen-grpcio-go" \
		--proto_path="$$proto_path" "$${args[@]}" "$$proto_path/$$file"
}
outputs() {
	local stem=$${2%%:*}/$${2#*:} p
	stem=$${stem%.proto}
	for p in $$1; do
		case $$p in
		go) echo "$$stem.pb.go" ;;
		grpcio-go) echo "$${stem}_grpcio.pb.go" ;;
		esac
	done
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

## test: the whole suite: generated code, formatting, vet, race-enabled tests,
## and the interop harness in both roles when ../shared/interop is there
test: deps check-generated fmt-check vet go-test interop

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

## generate: regenerate the checked-in generated code (protoc-gen-go's and
## protoc-gen-grpcio-go's, the plugin built from this repository)
generate: deps
	@tmp="$$(mktemp -d)"
	trap 'rm -rf "$$tmp"' EXIT
	$(protoc_gen)
	regenerate() {
		local f
		for f in $$(outputs "$$1" "$$2"); do rm -f "$$f"; done
		gen_one "$$1" . "$$2"
		for f in $$(outputs "$$1" "$$2"); do
			if [[ -e $$f ]]; then echo "generate: wrote $$f"; fi
		done
	}
	for entry in $(PROTOS); do regenerate "go grpcio-go" "$$entry"; done
	for entry in $(GRPCIO_ONLY_PROTOS); do regenerate grpcio-go "$$entry"; done

## check-generated: fail if the checked-in generated code is not what
## generate writes (stale, edited, missing or left over)
check-generated: deps
	@tmp="$$(mktemp -d)"
	trap 'rm -rf "$$tmp"' EXIT
	$(protoc_gen)
	stale=0
	check() {
		local f
		gen_one "$$1" "$$tmp/out" "$$2"
		for f in $$(outputs "$$1" "$$2"); do
			if [[ ! -e $$f && ! -e $$tmp/out/$$f ]]; then
				continue
			elif [[ ! -e $$tmp/out/$$f ]]; then
				echo "check-generated: $$f is left over (generate writes no such file): run make generate" >&2
				stale=1
			elif [[ ! -e $$f ]]; then
				echo "check-generated: $$f is missing: run make generate" >&2
				stale=1
			elif diff -u "$$f" "$$tmp/out/$$f"; then
				echo "check-generated: $$f is up to date"
			else
				echo "check-generated: $$f is stale or edited: run make generate" >&2
				stale=1
			fi
		done
	}
	for entry in $(PROTOS); do check "go grpcio-go" "$$entry"; done
	for entry in $(GRPCIO_ONLY_PROTOS); do check grpcio-go "$$entry"; done
	exit $$stale

clean:
	rm -rf bin/

## bench: build benchmarks/bin/bench-{server,client} and run the loopback
## matrix of /work/shared/bench against the grpc-go, C++ and Python peers
## (docs/benchmarks.md). BENCH_ARGS go to matrix.sh, e.g. --report FILE.
.PHONY: bench
bench:
	benchmarks/run-matrix.sh $(BENCH_ARGS)

## interop: the official interop cases in both roles with ../shared/interop:
## our server against grpc-go's and grpcio's clients, our client against
## grpc-go's and grpcio's servers, each plaintext and TLS (docs/interop.md).
## The grpc-go peers also run inside `make test` (interop/*_test.go).
.PHONY: interop
interop: deps
	interop/run-server-role.sh
	interop/run-client-role.sh
