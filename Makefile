# HyperPower — the two commands: `make demo` and `make test`.
# Both first install the system libraries (LAPACKE, OpenBLAS) when they are missing.

SWIFT ?= swift
APT_PACKAGES := liblapacke-dev libopenblas-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps postgres-deps test-postgres storage-bench build test demo bench peers docs fuzz sanitize clean dashboard-timing

all: build

# Installs LAPACKE and OpenBLAS from Debian's packages unless pkg-config already finds them.
deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists lapacke openblas; then \
		echo "Installing $(APT_PACKAGES) ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PACKAGES); \
	fi

build: deps
	$(SWIFT) build

# Debian's PostgreSQL server, for the PostgreSQL storage's tests (a throwaway cluster).
postgres-deps:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "Installing postgresql ..."; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql >/dev/null; \
	fi

# Tests run BLAS single-threaded: reproducible, and fair on CI's 2 cores. The PostgreSQL
# storage's tests run against a throwaway cluster (Scripts/postgres-test-server.sh: its own
# folder, a free loopback port, stopped at the end); with HYPERPOWER_POSTGRES_TESTS=1 (CI) they
# fail, not skip, when it cannot start.
test: deps postgres-deps
	@dir=$$(mktemp -d /tmp/hyperpower-pg.XXXXXX); \
	url=$$(Scripts/postgres-test-server.sh start $$dir) || echo "warning: the PostgreSQL test server did not start"; \
	HYPERPOWER_POSTGRES_URL=$$url HYPERPOWER_POSTGRES_DIR=$$dir OPENBLAS_NUM_THREADS=1 $(SWIFT) test; status=$$?; \
	Scripts/postgres-test-server.sh stop $$dir 2>/dev/null; rm -rf $$dir; exit $$status

# The PostgreSQL storage's tests alone.
test-postgres: deps postgres-deps
	@dir=$$(mktemp -d /tmp/hyperpower-pg.XXXXXX); \
	url=$$(Scripts/postgres-test-server.sh start $$dir) || echo "warning: the PostgreSQL test server did not start"; \
	HYPERPOWER_POSTGRES_TESTS=1 HYPERPOWER_POSTGRES_URL=$$url HYPERPOWER_POSTGRES_DIR=$$dir OPENBLAS_NUM_THREADS=1 $(SWIFT) test --filter Postgres; status=$$?; \
	Scripts/postgres-test-server.sh stop $$dir 2>/dev/null; rm -rf $$dir; exit $$status

# The main job (release build). BLAS runs single-threaded: the latency budget is a one-core
# inference's, as on an edge board, and every method trains on the same one core.
demo: deps
	OPENBLAS_NUM_THREADS=1 $(SWIFT) run -c release hyperpower demo

# Benchmarks (ordo-one/benchmark) live in their own package so the library build stays light.
bench: deps
	cd Benchmarks && OPENBLAS_NUM_THREADS=1 $(SWIFT) package --allow-writing-to-package-directory benchmark

# Optuna's GPSampler, TPE and random search on the benchmark suite, side by side with
# `hyperpower benchmark` (Docs/Benchmarks.md). Installs its own virtual environment
# (Benchmarks/Peers/.venv; torch is a large download). PEERS_ARGS passes options, e.g.
# PEERS_ARGS="--problems g7,ackley10 --samplers gp --seeds 5". Never part of `make test`.
PEERS_ARGS ?=
peers:
	@test -x Benchmarks/Peers/.venv/bin/python || python3 -m venv Benchmarks/Peers/.venv
	Benchmarks/Peers/.venv/bin/pip install -q -r Benchmarks/Peers/requirements.txt
	Benchmarks/Peers/.venv/bin/python Benchmarks/Peers/peers.py $(PEERS_ARGS)

# Throughput of the storages with 8 worker processes beside Optuna's RDBStorage on the same
# PostgreSQL server (Benchmarks/Storage, its own virtual environment; Docs/Distributed.md).
storage-bench: deps postgres-deps
	$(SWIFT) build -c release --product hyperpower
	@test -x Benchmarks/Storage/.venv/bin/python || python3 -m venv Benchmarks/Storage/.venv
	Benchmarks/Storage/.venv/bin/pip install -q -r Benchmarks/Storage/requirements.txt
	OPENBLAS_NUM_THREADS=1 Benchmarks/Storage/.venv/bin/python Benchmarks/Storage/storage_bench.py $(STORAGE_BENCH_ARGS)

# The DocC catalogue of the HyperPower module (articles in Sources/HyperPower/HyperPower.docc),
# as a static site in .build/docs.
docs: deps
	$(SWIFT) package --allow-writing-to-directory .build/docs generate-documentation --target HyperPower \
		--disable-indexing --transform-for-static-hosting --output-path .build/docs

# libFuzzer targets (Fuzz/, their own package): the journal reader, configuration decoding
# against a space, the cost models' CSV reader. FUZZ_SECONDS each (default 600); crashes go
# to .build/fuzz/artifacts, the grown corpora to .build/fuzz/<target>. Docs/Reliability.md.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := Journal Configuration CSV
fuzz: deps
	cd Fuzz && $(SWIFT) build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
	mkdir -p .build/fuzz/artifacts
	for target in $(FUZZ_TARGETS); do \
		lower=$$(echo $$target | tr A-Z a-z); mkdir -p .build/fuzz/$$lower; \
		SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 Fuzz/.build/release/Fuzz$$target -max_total_time=$(FUZZ_SECONDS) -detect_leaks=0 \
			-dict=Fuzz/json.dict -artifact_prefix=.build/fuzz/artifacts/$$lower- .build/fuzz/$$lower Fuzz/Corpus/$$lower \
			|| exit 1; \
	done

# The test suite under AddressSanitizer, then ThreadSanitizer (separate build folders). Leak
# detection is off: the only leaks are Foundation's (Docs/Reliability.md).
sanitize: deps
	ASAN_OPTIONS=detect_leaks=0 OPENBLAS_NUM_THREADS=1 $(SWIFT) test --sanitize=address --scratch-path .build/asan
	OPENBLAS_NUM_THREADS=1 $(SWIFT) test --sanitize=thread --scratch-path .build/tsan

# How long headless Chromium takes to show a 1,000-trial study's dashboard page, and the
# server's memory across requests (Scripts/dashboard_timing.sh; needs `chromium`).
dashboard-timing: deps
	$(SWIFT) build -c release --product hyperpower
	Scripts/dashboard_timing.sh

clean:
	rm -rf .build Benchmarks/.build Fuzz/.build
