# Tender: the two commands that matter are `make market` (set up and run the
# local market) and `make test` (set up and run every test). Both work on a
# fresh Debian machine as root; see README.md.

GO        ?= go
BIN       := bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/tender-market/tender/internal/cli.version=$(VERSION)
FUZZTIME  ?= 30s
BENCHTIME ?= 1s
# go-nvml's cgo preamble uses deprecated NVML declarations on purpose.
export CGO_CFLAGS ?= -O2 -g -Wno-deprecated-declarations

AGENT_IMAGE ?= tender/lease-agent:dev

.PHONY: all build lease-agent-image setup test test-only bench fuzz market down lint clean

all: build

## build: compile provider, tenant and broker into bin/
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ ./cmd/...

## lease-agent-image: the lease agent's image for provider run --executor
## kubernetes (AGENT_IMAGE, default tender/lease-agent:dev): a static
## binary FROM scratch; push it where the cluster's nodes pull from
lease-agent-image:
	mkdir -p $(BIN)/lease-agent-image
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o $(BIN)/lease-agent-image/lease-agent ./cmd/lease-agent
	printf 'FROM scratch\nCOPY lease-agent /lease-agent\nUSER 65534:65534\nENTRYPOINT ["/lease-agent"]\n' >$(BIN)/lease-agent-image/Dockerfile
	docker build -t $(AGENT_IMAGE) $(BIN)/lease-agent-image

## setup: install and start what tests and the local market need (idempotent)
setup:
	scripts/setup.sh

## test: set up, then vet and run every test (what CI runs)
test: setup test-only

## test-only: vet and run every test, assuming setup is done
test-only:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

## bench: run every benchmark (the auction on one core, as its target says)
bench:
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) -cpu 1 ./pkg/auction/
	$(GO) test -run '^$$' -bench . -benchtime $(BENCHTIME) ./pkg/network/ ./pkg/executor/
	$(GO) test -run '^$$' -bench Ingest -benchtime 100x ./pkg/store/
	$(GO) test -run '^$$' -bench ChainCatchUp -benchtime 1x -timeout 60m ./pkg/indexer/
	$(GO) test -run '^$$' -bench LeaseList -benchtime 300x ./pkg/api/
	$(GO) test -run '^$$' -bench 'PodRunning|ServiceThroughput' -benchtime 1x ./pkg/cluster/
	$(GO) test -run '^$$' -bench 'ProviderIdleMemory|ProviderMemoryOverLeases|BilledSeconds|ServiceFirstRequest' -benchtime 1x -timeout 40m ./e2e/

## fuzz: run every fuzz target for FUZZTIME each
fuzz:
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "fuzz $$pkg $$f"; \
			$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done

## market: set up and run the local market (see README.md); it runs jobs
## on Docker, so the test Kubernetes node is not started for it
market: export TENDER_SETUP_KUBERNETES = no
market: setup build
	scripts/market.sh up

## down: stop the local market and remove its state
down:
	scripts/market.sh down

## lint: formatting and vet
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
