# netmond — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(PATH):/opt/swift/usr/bin

DEV_CONFIG ?= etc/netmond.dev.yaml
SWIFT_TEST_FLAGS ?=
FUZZ_SECONDS ?= 30

.PHONY: help setup build release run test test-swift test-api test-fuzz test-lab test-browser test-deb deb lint format bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install every system package and Python tool (idempotent; needs root)
	scripts/install-deps.sh

build: setup ## Debug build of netmond and its tests
	swift build --build-tests

release: setup ## Release build of netmond (for benchmarks and packaging)
	swift build -c release --product netmond

run: setup ## Install, build, start the lab of real peers and run netmond on the dev config
	swift build --product netmond
	scripts/lab/lab.sh up
	@echo "netmond: http://127.0.0.1:8080/healthz and /metrics; Ctrl-C stops it (the lab keeps running: scripts/lab/lab.sh down)"
	@echo "netmond: softflowd replays Tests/Fixtures/pcap/mixed-300.pcap as NetFlow v9 to it in 10 s"
	(sleep 10; scripts/lab/flows.sh replay Tests/Fixtures/pcap/mixed-300.pcap 9 2055 >/dev/null 2>&1 || true) &
	.build/debug/netmond run --config $(DEV_CONFIG)

test: setup lint test-swift test-api test-fuzz test-lab test-browser test-deb ## Install, lint, and run every test (unit, integration, API contract, fuzz, lab, browser, package)

test-swift: ## swift test (unit and integration tests); stops the lab agents the tests started
	swift build --build-tests
	status=0; swift test --skip-build $(SWIFT_TEST_FLAGS) || status=$$?; \
	scripts/lab/lab.sh down >/dev/null 2>&1 || true; exit $$status

test-api: ## The API contract: schemathesis against the live daemon and its own OpenAPI document
	swift build --product netmond
	scripts/api-contract.sh

test-fuzz: ## A short libFuzzer run of every flow decoder (FUZZ_SECONDS each; longer: scripts/fuzz/run.sh 600)
	scripts/fuzz/run.sh $(FUZZ_SECONDS)

test-lab: ## The lab self-test: every real peer starts, answers and stops cleanly
	scripts/lab/test-lab.sh

test-browser: ## The dashboard in headless chromium against netmond and the lab (screenshots in .ci-artifacts/screenshots/)
	swift build --product netmond
	status=0; scripts/browser/dashboard_test.py --netmond .build/debug/netmond || status=$$?; \
	scripts/lab/lab.sh down >/dev/null 2>&1 || true; exit $$status

deb: setup ## Build the Debian package (release build, static Swift runtime) into .build/deb/
	scripts/deb/build-deb.sh

test-deb: ## The package test: build, lintian, unit checks, install/run/upgrade/purge in a clean Debian 12 root
	scripts/deb/test-deb.sh

lint: ## Check formatting with swift format (.swift-format)
	swift format lint --strict --recursive --parallel Package.swift Sources Tests

format: ## Format every Swift file in place
	swift format format --in-place --recursive --parallel Package.swift Sources Tests

bench: ## Benchmarks (release builds), results in docs/BENCHMARKS.md
	scripts/bench/storage-ingest.sh
	scripts/bench/api.sh

clean: ## Remove build output and the lab's state
	-scripts/lab/lab.sh down
	rm -rf .build .lab
