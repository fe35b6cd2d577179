# Stockroom. `make run` starts the whole stack for development; `make test` runs every test.
# Both install the Debian packages they need first (scripts/install-deps).

PORT ?= 8000
SWIFT ?= swift
RELEASE_FLAGS = -c release --static-swift-stdlib
BIN = .build/release

.PHONY: deps build release run test check-units deb e2e bench fuzz clean

deps:
	@scripts/install-deps

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

run: release
	$(BIN)/stockroom run --port $(PORT)

# The Debian package's proof in a booted container (make e2e) is part of it where the machine allows.
test: deps release check-units
	$(SWIFT) build --build-tests
	STOCKROOM_RELEASE_BIN=$(CURDIR)/$(BIN) scripts/with-services scripts/run-tests
	# The fuzz target builds from the parser's files alone: a short run keeps it building and crash-free.
	fuzz/run.sh 20
	@if reason=$$(packaging/e2e/possible 2>&1); then $(MAKE) --no-print-directory e2e; \
	 else echo "make test: make e2e cannot run on this machine ($$reason); run it where it can"; fi

# `make fuzz FUZZ_SECONDS=600`: libFuzzer on the HTTP request parser; crash inputs land in fuzz/crashes/.
FUZZ_SECONDS ?= 60
fuzz:
	fuzz/run.sh $(FUZZ_SECONDS)

# The systemd units: `systemd-analyze verify` and `security` (scores within the limits of issue 7).
check-units: release
	systemd/check $(BIN)

# The Debian package, checked by lintian, in dist/.
deb:
	@scripts/install-deps package
	packaging/build-deb

# The package installed, upgraded and purged in a booted Debian 12 container (needs root).
e2e:
	@scripts/install-deps e2e
	packaging/e2e/run

bench: release
	scripts/with-services bench/run

clean:
	rm -rf .build dist
