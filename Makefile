# sitrep: `make run` sets up and ingests the bundled examples; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= sitrep.db
VENDOR := src/sitrep/web/vendor
NPM_MODULES := web/node_modules

.PHONY: install run test lint train bench bench-places bench-time bench-events bench-entities bench-attribution bench-classifier bench-dedup bench-api bench-api-load bench-fuzz browser postgres clean

install: $(STAMP) $(VENDOR)/.installed

# the web UI's libraries: from npm at install time (package-lock.json pins them), never a CDN at run time
$(VENDOR)/.installed: web/package.json web/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed to install the web UI's libraries (apt-get install npm)"; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/images
	cp $(NPM_MODULES)/leaflet/dist/leaflet.js $(NPM_MODULES)/leaflet/dist/leaflet.css $(VENDOR)/
	cp $(NPM_MODULES)/leaflet/dist/images/* $(VENDOR)/images/
	cp $(NPM_MODULES)/leaflet.markercluster/dist/leaflet.markercluster.js \
	   $(NPM_MODULES)/leaflet.markercluster/dist/MarkerCluster.css \
	   $(NPM_MODULES)/leaflet.markercluster/dist/MarkerCluster.Default.css $(VENDOR)/
	cp $(NPM_MODULES)/topojson-client/dist/topojson-client.min.js $(VENDOR)/
	cp $(NPM_MODULES)/world-atlas/countries-50m.json $(NPM_MODULES)/world-atlas/countries-110m.json $(VENDOR)/
	cp $(NPM_MODULES)/d3/dist/d3.min.js $(VENDOR)/
	@touch $@

# Debian's chromium, for the browser tests (tests/test_browser.py skips without it)
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
	  || echo "warning: could not install chromium; the browser tests will be skipped"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "sitrep needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: install
	$(BIN)/sitrep ingest examples/ --db $(DB)
	$(BIN)/sitrep stats --db $(DB)
	$(BIN)/sitrep serve --db $(DB)

# Debian's PostgreSQL server binaries, for tests/test_postgres.py (it starts its own throwaway server)
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null) \
	  || echo "warning: could not install postgresql; the PostgreSQL test will be skipped"

lint: install
	$(BIN)/ruff check src tests benchmarks

test: install browser postgres lint
	$(BIN)/python -m pytest -q

# the event classifier: retrain its head on data/training/ and write data/event_classifier.npz
train: install
	$(BIN)/python training/train_event_classifier.py

bench: install
	$(BIN)/python benchmarks/throughput.py

bench-places: install
	$(BIN)/python benchmarks/places.py

bench-time: install
	$(BIN)/python benchmarks/time.py

bench-events: install
	$(BIN)/python benchmarks/events.py
	$(BIN)/python benchmarks/event_location.py

bench-dedup: install
	$(BIN)/python benchmarks/dedup.py

bench-entities: install
	$(BIN)/python benchmarks/entities.py

# p50/p95 of /api/events per filter kind over EVENTS synthetic events, on SQLite and (when installed) PostgreSQL
EVENTS ?= 1000000
bench-api: install
	$(BIN)/python benchmarks/api.py --events $(EVENTS)

# 60 s of mixed API requests at 150/s against `sitrep serve --workers 2` while an ingest writes to its store
bench-api-load: install
	$(BIN)/python benchmarks/api_load.py

bench-classifier: install
	$(BIN)/python benchmarks/classifier.py

bench-attribution: install
	$(BIN)/python benchmarks/attribution.py
bench-fuzz: install
	$(BIN)/python benchmarks/fuzz.py --n 50000 --seed $${SEED:-1}

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache src/*.egg-info $(VENDOR) $(NPM_MODULES) test-artifacts
