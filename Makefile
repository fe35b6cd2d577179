# Stockroom. `make run` starts the whole stack for development; `make test` runs every test.
# Both install the Debian packages they need first (scripts/install-deps).

PORT ?= 8000
SWIFT ?= swift
RELEASE_FLAGS = -c release --static-swift-stdlib
BIN = .build/release

.PHONY: deps build release run test bench fuzz clean

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

run: release
	$(BIN)/stockroom run --port $(PORT)

test: deps release
	$(SWIFT) build --build-tests
	STOCKROOM_RELEASE_BIN=$(CURDIR)/$(BIN) scripts/with-services scripts/run-tests

# `make fuzz FUZZ_SECONDS=600`: libFuzzer on the HTTP request parser; crash inputs land in fuzz/crashes/.
FUZZ_SECONDS ?= 60
fuzz:
	fuzz/run.sh $(FUZZ_SECONDS)

bench: release
	scripts/with-services bench/run

clean:
	rm -rf .build
