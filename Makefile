# kivaconv — run `make help` for the targets.
GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null)
DATE      ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
PLATFORMS := windows/amd64 windows/arm64 linux/amd64 linux/arm64 darwin/amd64 darwin/arm64
# make dist: reproducible, so its date is the commit's (or SOURCE_DATE_EPOCH), not now.
DIST      ?= dist
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || date +%s)
DIST_DATE  = $(shell date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r $(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)
DIST_LDFLAGS = -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DIST_DATE)
HOST_PLATFORM = $(shell $(GO) env GOHOSTOS)/$(shell $(GO) env GOHOSTARCH)
HOSTEXE   = $(if $(filter windows,$(shell $(GO) env GOHOSTOS)),.exe,)
FUZZTIME  ?= 60s

.PHONY: screenshot help build test testdeps test-update bench hostile lint samples dist dist-check fuzz clean

help: ## show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## build ./kivaconv for this machine
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o kivaconv ./cmd/kivaconv

test: testdeps lint ## run every test with the race detector (the CI gate)
	$(GO) test -race -count=1 ./...

testdeps: ## install what the tests need when it is missing (chromium, zsh)
	@sh tools/testdeps.sh

# The packages whose tests define -update (go test fails on a flag a
# package does not define).
GOLDEN_PKGS = $(shell grep -rl --include='*_test.go' 'flag[.]Bool."update"' . | xargs -n1 dirname | sort -u)

test-update: ## rewrite golden files after an intended output change
	$(GO) test -count=1 $(GOLDEN_PKGS) -update

bench: ## benchmarks: readers, the 100k/1M-row conversions, sending 1,000 drafts (see README "Performance")
	$(GO) test -run '^$$' -bench . -benchmem ./internal/input/ ./internal/values/ ./batch/ ./convert/
	$(GO) test -run '^$$' -bench SendDrafts -benchtime 1x ./send/
	$(GO) run ./tools/bench

hostile: ## run kivaconv on a generated corpus of hostile inputs; report time and peak memory (minutes; needs ~10 GB of /tmp)
	$(GO) run ./tools/hostile

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

samples: ## regenerate the sample workbooks in samples/
	$(GO) run ./samples/gen

fuzz: ## run each fuzz target for FUZZTIME (default 60s)
	$(GO) test ./internal/input/ -run '^$$' -fuzz '^FuzzCSVReader$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/input/ -run '^$$' -fuzz '^FuzzXLSXSheet$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/input/ -run '^$$' -fuzz '^FuzzXLSXSharedStrings$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/input/ -run '^$$' -fuzz '^FuzzXLSXDateFormat$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/values/ -run '^$$' -fuzz '^FuzzDecimal$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/values/ -run '^$$' -fuzz '^FuzzDate$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/values/ -run '^$$' -fuzz '^FuzzID$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/values/ -run '^$$' -fuzz '^FuzzKey$$' -fuzztime $(FUZZTIME)
	$(GO) test ./mappings/ -run '^$$' -fuzz '^FuzzMappingParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./batch/ -run '^$$' -fuzz '^FuzzEncodeRepayments$$' -fuzztime $(FUZZTIME)
	$(GO) test ./convert/ -run '^$$' -fuzz '^FuzzConvertCSV$$' -fuzztime $(FUZZTIME)

dist: ## release archives in dist/ for Windows, Linux and macOS (stamped; README, mappings, SHA256SUMS)
	@rm -rf $(DIST) && mkdir -p $(DIST)/.tmp/bin $(DIST)/.tmp/config $(DIST)/.tmp/mappings
	@echo "kivaconv $(VERSION) ($(COMMIT), $(DIST_DATE))"
	@CGO_ENABLED=0 $(GO) build -trimpath -o $(DIST)/.tmp/bin/kivaconv$(HOSTEXE) ./cmd/kivaconv
	@$(GO) build -o $(DIST)/.tmp/bin/distpack$(HOSTEXE) ./tools/distpack
	@# The default mappings are taken out of a built binary: proof that they are
	@# embedded, and that what is embedded is mappings/*.yaml as committed.
	@kc="env KIVACONV_CONFIG_DIR=$(CURDIR)/$(DIST)/.tmp/config $(DIST)/.tmp/bin/kivaconv$(HOSTEXE)"; \
	  names=$$($$kc mappings list | awk '$$3 ~ /^embedded:/ {print $$1}'); \
	  [ -n "$$names" ] || { echo "dist: the binary lists no embedded mapping"; exit 1; }; \
	  for n in $$names; do $$kc mappings show $$n > $(DIST)/.tmp/mappings/$$n.yaml || exit 1; done; \
	  $$kc mappings schema > $(DIST)/.tmp/mappings/schema.json || exit 1; \
	  for f in mappings/*.yaml; do \
	    cmp -s $$f $(DIST)/.tmp/mappings/$${f#mappings/} || { echo "dist: $$f is not what the binary embeds"; exit 1; }; \
	  done
	@for p in $(PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; ext=; fmt=tar.gz; \
	  if [ $$os = windows ]; then ext=.exe; fmt=zip; fi; \
	  out=$(DIST)/kivaconv-$(VERSION)-$$os-$$arch; \
	  echo "  $$out.$$fmt"; \
	  mkdir -p $$out/mappings && \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "$(DIST_LDFLAGS)" -o $$out/kivaconv$$ext ./cmd/kivaconv && \
	  sed 's|@VERSION@|$(VERSION)|g' packaging/README.txt > $$out/README.txt && \
	  cp README.md $$out/README.md && \
	  cp $(DIST)/.tmp/mappings/* $$out/mappings/ && \
	  { [ ! -f LICENSE ] || cp LICENSE $$out/; } && \
	  $(DIST)/.tmp/bin/distpack archive -mtime $(DIST_DATE) -o $$out.$$fmt $$out && \
	  rm -rf $$out || exit 1; \
	done
	@$(DIST)/.tmp/bin/distpack sums -o $(DIST)/SHA256SUMS $$(ls $(DIST)/*.zip $(DIST)/*.tar.gz 2>/dev/null)
	@rm -rf $(DIST)/.tmp
	@cat $(DIST)/SHA256SUMS

dist-check: ## make dist for this machine only; list the archive, check SHA256SUMS, run the packed kivaconv
	@$(MAKE) --no-print-directory dist PLATFORMS=$(HOST_PLATFORM)
	@set -e; a=$$(ls $(DIST)/kivaconv-*.tar.gz $(DIST)/kivaconv-*.zip 2>/dev/null || true); \
	  case $$a in *.zip) unzip -l $$a;; *) tar -tvzf $$a;; esac; \
	  (cd $(DIST) && if command -v sha256sum >/dev/null; then sha256sum -c SHA256SUMS; else shasum -a 256 -c SHA256SUMS; fi); \
	  tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; mkdir $$tmp/config; \
	  case $$a in *.zip) unzip -q $$a -d $$tmp;; *) tar -xzf $$a -C $$tmp;; esac; \
	  kc="env KIVACONV_CONFIG_DIR=$$tmp/config $$(ls $$tmp/*/kivaconv$(HOSTEXE))"; \
	  $$kc --version; $$kc mappings list

screenshot: ## docs/review.png for the README (needs chromium)
	$(GO) run ./tools/screenshot

clean: ## remove build outputs
	rm -rf kivaconv kivaconv.exe dist
