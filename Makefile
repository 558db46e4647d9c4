# sitrep: `make run` sets up and ingests the bundled examples; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DB     ?= sitrep.db

.PHONY: install run test bench bench-places bench-time bench-events bench-entities clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "sitrep needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: install
	$(BIN)/sitrep ingest examples/ --db $(DB)
	$(BIN)/sitrep stats --db $(DB)

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/throughput.py

bench-places: install
	$(BIN)/python benchmarks/places.py

bench-time: install
	$(BIN)/python benchmarks/time.py

bench-events: install
	$(BIN)/python benchmarks/events.py
	$(BIN)/python benchmarks/event_location.py

bench-entities: install
	$(BIN)/python benchmarks/entities.py

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache src/*.egg-info
