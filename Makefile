# kivaconv — run `make help` for the targets.
GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null)
DATE      ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
PLATFORMS := windows/amd64 windows/arm64 linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
FUZZTIME  ?= 60s

.PHONY: help build test test-update bench lint samples dist fuzz clean

help: ## show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build ./kivaconv for this machine
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o kivaconv ./cmd/kivaconv

test: lint ## run every test with the race detector (the CI gate)
	$(GO) test -race -count=1 ./...

test-update: ## rewrite golden files after an intended output change
	$(GO) test ./convert/... ./batch/... ./cmd/... -update

bench: ## benchmarks: readers, the 100k/1M-row conversions, sending 1,000 drafts (see README "Performance")
	$(GO) test -run '^$$' -bench . -benchmem ./input/ ./values/ ./batch/ ./convert/
	$(GO) test -run '^$$' -bench SendDrafts -benchtime 1x ./send/
	$(GO) run ./bench

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

samples: ## regenerate the sample workbooks in samples/
	$(GO) run ./samples/gen

fuzz: ## run each fuzz target for FUZZTIME (default 60s)
	$(GO) test ./input/ -run '^$$' -fuzz '^FuzzCSVReader$$' -fuzztime $(FUZZTIME)
	$(GO) test ./input/ -run '^$$' -fuzz '^FuzzXLSXSheet$$' -fuzztime $(FUZZTIME)
	$(GO) test ./values/ -run '^$$' -fuzz '^FuzzDecimal$$' -fuzztime $(FUZZTIME)
	$(GO) test ./values/ -run '^$$' -fuzz '^FuzzDate$$' -fuzztime $(FUZZTIME)
	$(GO) test ./values/ -run '^$$' -fuzz '^FuzzID$$' -fuzztime $(FUZZTIME)
	$(GO) test ./values/ -run '^$$' -fuzz '^FuzzKey$$' -fuzztime $(FUZZTIME)
	$(GO) test ./mappings/ -run '^$$' -fuzz '^FuzzMappingParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./batch/ -run '^$$' -fuzz '^FuzzEncodeRepayments$$' -fuzztime $(FUZZTIME)
	$(GO) test ./convert/ -run '^$$' -fuzz '^FuzzConvertCSV$$' -fuzztime $(FUZZTIME)

dist: ## cross-build versioned binaries into dist/ (Windows, Linux, macOS)
	@rm -rf dist && mkdir -p dist
	@for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; ext=; [ $$os = windows ] && ext=.exe; \
	  out=dist/kivaconv-$(VERSION)-$$os-$$arch; mkdir -p $$out; \
	  echo "building $$out"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $$out/kivaconv$$ext ./cmd/kivaconv || exit 1; \
	  cp README.md $$out/; \
	done

clean: ## remove build outputs
	rm -rf kivaconv kivaconv.exe dist
