# Set-up and the two everyday jobs. Both create .venv on first use.
#   make demo   train the tiny VAE, then tiny LDIS-1 on generated shapes,
#               evaluate it (with its controls) and write panels
#   make test   run the test suite
#   make test-browser  install the demo extra (Gradio, Selenium) and drive
#               tools/webui.py in headless Chromium (skips without
#               Debian's chromium and chromium-driver)
#   make bench  the LDIS benchmarks of docs/benchmark.md (one thread, CPU
#               time: steady on a shared machine)
# CUDA users: make demo TORCH_SPEC="torch==<version>+cu<xyz>" (any pip spec,
# with PIP_EXTRA_INDEX_URL pointing at the matching wheel index).
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
PY := $(VENV)/bin/python
DEMO_DIR ?= work_dirs/demo
LDIS_CFG := configs/ldis/ldis1_tiny_1shot_1500it_shapes_64.py
VAE_CFG := configs/vae/vae_tiny_300it_shapes_64.py

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test test-browser bench install clean-demo

install: $(VENV)/.installed

$(VENV)/.installed: setup.py requirements/runtime.txt requirements/tests.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q "$(TORCH_SPEC)"
	$(PY) -m pip install -q -e ".[tests]"
	touch $@

demo: install
	$(PY) tools/train.py $(VAE_CFG) --work-dir $(DEMO_DIR)/vae
	$(PY) tools/train.py $(LDIS_CFG) --work-dir $(DEMO_DIR)/ldis1
	$(PY) tools/test.py $(LDIS_CFG) $$(cat $(DEMO_DIR)/ldis1/last_checkpoint) \
		--work-dir $(DEMO_DIR)/ldis1/test_val --show-dir $(DEMO_DIR)/panels/val
	$(PY) tools/test.py $(LDIS_CFG) $$(cat $(DEMO_DIR)/ldis1/last_checkpoint) \
		--work-dir $(DEMO_DIR)/ldis1/test_novel --show-dir $(DEMO_DIR)/panels/novel \
		--cfg-options test_dataloader.dataset.split=novel
	@echo "panels: $(DEMO_DIR)/panels/{val,novel}/  figures: $(DEMO_DIR)/ldis1/test_*/test_summary.json"

test: install
	$(PY) -m pytest tests -q -p no:cacheprovider

$(VENV)/.demo-installed: $(VENV)/.installed requirements/demo.txt
	$(PY) -m pip install -q -e ".[demo]"
	touch $@

test-browser: $(VENV)/.demo-installed
	$(PY) -m pytest tests/test_tools/test_webui_browser.py -q -rs \
		-p no:cacheprovider

bench: install
	for cmd in runner inference video pipeline; do \
		$(PY) tools/analysis_tools/benchmark.py $$cmd --threads 1 \
			--clock cpu --repeats 10 || exit 1; \
	done

clean-demo:
	rm -rf $(DEMO_DIR) work_dirs/tiny-sd
