# Two commands matter to a new user: `make run` and `make test` (see README.md).
SHELL := /bin/bash
RASA := .venv-rasa/bin/rasa
PY := .venv/bin/python
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup system-deps spacy train run test test-fresh lint typecheck validate pytest stories eval bench turn-cost personas clean

setup:
	@bash scripts/setup.sh

system-deps:
	@bash scripts/system_deps.sh

spacy train: setup
	@bash scripts/train.sh

run:
	@bash scripts/run.sh

lint: setup
	.venv/bin/ruff check .

typecheck: setup
	.venv/bin/mypy

validate: train
	$(RASA) data validate --domain domain --data nlu stories --config config.yml --fail-on-warnings

pytest: setup system-deps train
	.venv/bin/pytest -q

stories: train
	@mkdir -p reports/stories
	$(RASA) test core --model models/current.tar.gz --stories tests/stories \
	  --out reports/stories --fail-on-prediction-errors

test: setup system-deps lint typecheck train validate pytest eval stories
	@echo "make test: all checks passed"

# A fresh clone of HEAD with an empty model cache running .ci/run, as on a new machine.
test-fresh:
	@bash scripts/test_fresh.sh

eval: train
	$(PY) scripts/eval_nlu.py --floor 0.78
	$(PY) scripts/simulate.py

# Load benchmark (loopback only, fixed duration): reports/bench.{json,md}.
bench: setup train
	$(PY) -m scripts.bench $(BENCH_ARGS)

# CPU milliseconds per customer turn for each process (gateway, Rasa, actions) and how a
# turn's cost grows with the conversation; CPU time, so other load on the cores barely moves it.
turn-cost: setup train
	$(PY) -m scripts.turn_cost $(TURN_COST_ARGS)

# Persona player (tests/personas/): tuning and held-out halves on a stack of its own, then
# the stubborn player; reports/personas_{tuning,heldout,stubborn}.{json,md}. Not in `make test`.
personas: setup train
	$(PY) scripts/personas.py --half all --stubborn

clean:
	rm -rf build models var/tracker.db reports/stories .pytest_cache .mypy_cache .ruff_cache
