# Everything a fresh machine needs goes through this file: `make demo` and `make test` set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-loaded lint bench emulator pulumi clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/run_demo.py --pulumi "$$($(PYTHON) tools/pulumi/ensure_cli.py | tail -n 1)"

# pytest exits 5 when it collected nothing: that is a failure here, not a pass.
# The end-to-end tests run the real Pulumi CLI: `make pulumi` first (cached after the first build).
test: $(STAMP) pulumi
	$(PY) -m pytest -q -p no:cacheprovider -n auto; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest ran no tests" >&2; exit 1; fi; exit $$status

# The same suite with every core kept busy by a bounded CPU burner that the run starts and stops itself
# (tests/support/burner.py), RUNS times in a row: no test may depend on how fast the machine is.
RUNS ?= 3
test-loaded: $(STAMP) pulumi
	@for run in $$(seq $(RUNS)); do echo "== run $$run of $(RUNS), every core kept busy"; \
	$(PY) -m pytest -q -p no:cacheprovider -n auto --cpu-burner $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest ran no tests" >&2; exit 1; fi; \
	if [ $$status -ne 0 ]; then exit $$status; fi; done

# zizmor audits the GitOps workflow users copy, offline (no GitHub API call, online audits off); parliament audits
# the IAM permission policies (a trust policy has no Resource, which parliament reports on any trust policy).
lint: $(STAMP)
	$(VENV)/bin/ruff check provider tests bench examples tools
	$(VENV)/bin/mypy
	$(VENV)/bin/zizmor --offline --no-progress examples/gitops
	$(VENV)/bin/parliament --directory examples/iam --include_policy_extension .json \
		--exclude_pattern '.*-trust-policy[.]json' </dev/null

# A working Pulumi CLI; its path is the last line printed (tools/pulumi/ensure_cli.py: PATH, the official installer,
# or a build from its Go module cached outside the clone).
pulumi:
	@$(PYTHON) tools/pulumi/ensure_cli.py

bench: $(STAMP)
	$(PY) bench/run_all.py

emulator: $(STAMP)
	$(PY) -m pulumi_aws_mlops.emulator --time-scale 60

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
