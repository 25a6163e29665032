# The two commands in the README. Everything else they need, they install.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Without STRIPE_SECRET_KEY, the demo pays through the local Stripe stand-in (no real charges).
STRIPE_DEMO := $(if $(STRIPE_SECRET_KEY),,STRIPE_SECRET_KEY=sk_test_coursehub_demo \
	STRIPE_API_BASE=http://127.0.0.1:12111 STRIPE_WEBHOOK_SECRET="$$(cat instance/webhook_secret)")
FLASK := COURSEHUB_ENV=demo SECRET_KEY="$$(cat instance/secret_key)" $(STRIPE_DEMO) $(BIN)/flask --app wsgi

.PHONY: run test bench lint clean load

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CourseHub needs Python 3.11 or newer (set PYTHON=...)")'
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(VENV)/.installed-app: pyproject.toml $(VENV)/.python-ok
	@echo "Installing CourseHub into $(VENV) ..."
	@$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-app
	@echo "Installing the test tools into $(VENV) ..."
	@$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

instance/secret_key:
	@mkdir -p instance
	@$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

instance/webhook_secret:
	@mkdir -p instance
	@$(BIN)/python -c 'import secrets; print("whsec_" + secrets.token_hex(24))' > $@

## run: serve the school on http://127.0.0.1:5000 (SQLite under instance/, or DATABASE_URL)
run: $(VENV)/.installed-app instance/secret_key instance/webhook_secret
	@$(FLASK) db upgrade
	@$(FLASK) courses import --publish
	@echo "Demo accounts (demo only, never in production):"
	@$(FLASK) demo seed
	@$(FLASK) demo sales
	@$(FLASK) demo serve --port 5000

## test: ruff, then the whole suite on SQLite, then on PostgreSQL when one is there
test: $(VENV)/.installed-test
	@bash scripts/test.sh

## load: 100 learners and 50 buyers (60 s after the last log-in) on SQLite, then PostgreSQL; loopback only
load: $(VENV)/.installed-test
	@$(BIN)/pip install --quiet -e ".[load]"
	@$(BIN)/python -m load.run
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-app
	@echo "Installing the bench tools into $(VENV) ..."
	@$(BIN)/pip install --quiet -e ".[bench]"
	@touch $@

## bench: seed a school at scale, load it under gunicorn, write bench/results.json (BENCH_DB=sqlite|postgresql|both, BENCH_SECONDS=15)
bench: $(VENV)/.installed-bench
	@bash scripts/bench.sh

lint: $(VENV)/.installed-test
	@$(BIN)/ruff check .

clean:
	rm -rf $(VENV) test-results reports
