# Switchboard — the commands a newcomer needs. `make help` lists them.
# Every target that needs tools first runs `prereqs`, which installs what is missing (idempotent).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

LOCAL := deploy/local
# The JDK: JAVA_HOME if it is >= 21, else the newest >= 21 under /usr/lib/jvm (deploy/local/lib.sh).
JDK = $(shell bash -c 'source $(LOCAL)/lib.sh >/dev/null && select_jdk >/dev/null && echo $$JAVA_HOME')
MVN = JAVA_HOME="$(JDK)" ./mvnw -B -ntp

.PHONY: help prereqs jdk build stack run stop status test unit e2e images chaos bench bench-analytics lint format logs clean replay-dlq reconcile manifests

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9_-]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

jdk: ## check that a JDK >= 21 is installed and show which one is used
	@bash -c 'source $(LOCAL)/lib.sh && select_jdk'

prereqs: ## install what is missing (Debian packages, Kafka jars, chDB); safe to repeat
	@$(LOCAL)/prereqs.sh

build: jdk ## compile and package every module (no tests)
	@echo "==> build: mvnw package -DskipTests (all modules)"
	@$(MVN) -q install -DskipTests
	@echo "==> build: done"

stack: prereqs ## start PostgreSQL, Redis, Kafka and the ClickHouse stand-in (loopback only)
	@$(LOCAL)/stack.sh start

run: stack build ## set up, build, start everything with the provider simulator and a demo key
	@$(LOCAL)/services.sh restart
	@$(LOCAL)/services.sh seed
	@$(LOCAL)/run-banner.sh

stop: ## stop the services and the stack processes that make run started (by PID)
	@$(LOCAL)/services.sh stop
	@$(LOCAL)/stack.sh stop

status: ## one line per store and service
	@$(LOCAL)/stack.sh status || true
	@$(LOCAL)/services.sh status || true

unit: stack ## unit tests and @QuarkusTests against the real stores
	@echo "==> test: unit and @QuarkusTest suites (mvnw install)"
	@$(MVN) install

e2e: stack ## end-to-end suite against freshly started services (needs a previous build)
	@$(LOCAL)/e2e.sh

images: build ## one OCI image per service (+ provider simulator, topics Job) without Docker: Debian base via mmdebstrap, jlinked Java, Jib → deploy/images/target/images/*.tar (IMAGE_BASE=registry://... for a public base)
	@$(LOCAL)/prereqs.sh --images
	@deploy/images/build.sh

chaos: stack build ## the chaos money run at full size (REQUESTS=1000 over SECONDS=150, SEED=...): kills, Kafka outage, duplicates; then ledger, balances, leases, reconcile → e2e-tests/target/chaos-money.json
	@$(LOCAL)/e2e.sh -Dtest=ChaosMoneyE2eTest -Dchaos.requests=$(or $(REQUESTS),1000) -Dchaos.seconds=$(or $(SECONDS),150) $(if $(SEED),-Dchaos.seed=$(SEED))

test: ## everything: unit, @QuarkusTest, images and the chart's boot test, end-to-end and browser suites (installs and starts what it needs, stops it after)
	@$(LOCAL)/prereqs.sh --browser --images
	@$(LOCAL)/test.sh

bench-analytics: stack build ## analytics benchmark: ingestion rate, statistics over 10M rows, dashboard first paint (EVENTS=200000 ROWS=10000000) → bench/results/analytics.*
	@bench/analytics.sh $(or $(EVENTS),200000) $(or $(ROWS),10000000)

bench: stack build ## gateway benchmark: direct vs Switchboard vs Portkey (BENCH=quick for a smoke run) → bench/results
	@bench/gateway.sh $(or $(BENCH),full)

# the modules, and the benchmark tools that live outside the reactor
LINT_POMS := pom.xml bench/jmh/pom.xml bench/load/pom.xml

lint: jdk ## check the formatting of every Java file (palantir-java-format, imports; `make format` fixes it) and that no application.properties repeats a default
	@echo "==> lint: spotless:check ($(LINT_POMS))"
	@for pom in $(LINT_POMS); do $(MVN) -q -f $$pom spotless:check; done
	@echo "==> lint: configuration defaults only in @ConfigMapping (deploy/lint/config-defaults.sh)"
	@deploy/lint/config-defaults.sh
	@echo "==> lint: clean"

format: jdk ## reformat every Java file the way `make lint` checks it
	@for pom in $(LINT_POMS); do $(MVN) -q -f $$pom spotless:apply; done

replay-dlq: jdk ## send a DLQ's parked records back to their topic: TOPIC=switchboard.usage.v1 (or switchboard.charges.v1), DRY_RUN=1 only lists the reasons
	@$(LOCAL)/replay-dlq.sh "$(TOPIC)" $(if $(DRY_RUN),--dry-run)

reconcile: ## compare ledger, balances and ClickHouse for a window to the nano-dollar: [FROM=2026-12-07T10:00:00Z] [TO=...] [ACCOUNT=id]; exits 1 on drift
	@$(LOCAL)/reconcile.sh $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO)) $(if $(ACCOUNT),--account $(ACCOUNT))

manifests: jdk ## render deploy/k8s/switchboard.yaml from the Helm chart's defaults (and copy the built-in catalog into the chart)
	@echo "==> manifests: helm template deploy/helm/switchboard -> deploy/k8s/switchboard.yaml"
	@$(MVN) -q -pl deploy/chart-tests compile exec:java

logs: ## follow the service logs
	@tail -n 20 -F .local/logs/*.log

clean: ## delete build output (keeps .local data; rm -rf .local to reset everything)
	@$(MVN) -q clean
