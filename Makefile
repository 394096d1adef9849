# Set-up and the two everyday jobs. Both create .venv on first use.
#   make demo   train the tiny VAE, then tiny LDIS-1 on generated shapes,
#               evaluate it (with its controls) and write panels
#   make test   run the test suite
#   make test-browser  install the demo extra (Gradio, Selenium) and drive
#               tools/webui.py in headless Chromium (skips without
#               Debian's chromium and chromium-driver)
#   make prior  train the tiny text-to-image prior (the VAE, then the
#               LDM) and export it to work_dirs/tiny-sd as a Stable
#               Diffusion pipeline folder
#   make maskdiffusion  MaskDiffusion on the prior against its controls
#               (needs make prior): the figures of configs/maskdiffusion
#   make ldis-prior  tiny LDIS-1 from the prior and from random, same
#               iterations and episodes, val and novel (needs make prior)
#   make quality-vs-passes  tiny LDIS-n, then mIoU against UNet passes for
#               DDPM, DDIM and DPM-Solver++ settings, LDIS-1 of make demo
#               beside them (needs make demo): docs/quality_vs_passes.png
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
PRIOR_DIR ?= work_dirs/prior
PRIOR_CFG := configs/prior/t2i-ldm_tiny_2k_captioned-shapes_64.py
MD_DIR ?= work_dirs/maskdiffusion
LDIS_PRIOR_DIR ?= work_dirs/ldis_prior
LDISN_CFG := configs/ldis/ldisn_tiny_1shot_1500it_shapes_64.py
QVP_DIR ?= work_dirs/quality_vs_passes
QVP_EPISODES ?= 200
QVP_SETTINGS := DDPMScheduler:20 DDPMScheduler:50 DDIMScheduler:5 \
	DDIMScheduler:10 DDIMScheduler:20 DPMSolverMultistepScheduler:3 \
	DPMSolverMultistepScheduler:5 DPMSolverMultistepScheduler:10
MD_OPEN_VOCAB := configs/maskdiffusion/maskdiffusion_tiny-sd_captioned-shapes_64
MD_CFGS := $(addprefix configs/maskdiffusion/,\
	maskdiffusion_tiny-sd-random_captioned-shapes_64 \
	maskdiffusion-spectral_tiny-sd_captioned-shapes_64 \
	maskdiffusion-spectral_tiny-sd-random_captioned-shapes_64 \
	baseline-kmeans_pixels_captioned-shapes_64)
MD_CODEBOOK_CFGS := $(addprefix configs/maskdiffusion/,\
	maskdiffusion-spectral-codebook_tiny-sd_captioned-shapes_64:tiny-sd \
	maskdiffusion-spectral-codebook_tiny-sd-random_captioned-shapes_64:tiny-sd-random \
	baseline-kmeans-codebook_pixels_captioned-shapes_64:pixels)

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test test-browser bench prior maskdiffusion ldis-prior \
	quality-vs-passes install clean-demo

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

prior: install
	$(PY) tools/train.py $(VAE_CFG) --work-dir $(PRIOR_DIR)/vae
	$(PY) tools/train.py $(PRIOR_CFG) --work-dir $(PRIOR_DIR)/t2i
	@echo "prior: work_dirs/tiny-sd/  samples: $(PRIOR_DIR)/t2i/samples.png"

maskdiffusion: install
	test -f work_dirs/tiny-sd/model_index.json || \
		{ echo "no prior in work_dirs/tiny-sd: run make prior first"; exit 1; }
	$(PY) tools/test.py $(MD_OPEN_VOCAB).py \
		--work-dir $(MD_DIR)/$$(basename $(MD_OPEN_VOCAB)) \
		--show-dir $(MD_DIR)/$$(basename $(MD_OPEN_VOCAB))/panels
	for cfg in $(MD_CFGS); do \
		$(PY) tools/test.py $$cfg.py \
			--work-dir $(MD_DIR)/$$(basename $$cfg) || exit 1; \
	done
	for item in $(MD_CODEBOOK_CFGS); do \
		cfg=$${item%%:*}; name=$${item##*:}; \
		$(PY) tools/analysis_tools/fit_cluster_codebook.py $$cfg.py \
			--num-clusters 10 --num-images 200 \
			--out work_dirs/codebooks/$$name.pth \
			--cfg-options test_dataloader.dataset.split=train || exit 1; \
		$(PY) tools/test.py $$cfg.py \
			--work-dir $(MD_DIR)/$$(basename $$cfg) || exit 1; \
	done
	@echo "figures: $(MD_DIR)/*/test_summary.json"

ldis-prior: install
	test -f work_dirs/tiny-sd/model_index.json || \
		{ echo "no prior in work_dirs/tiny-sd: run make prior first"; exit 1; }
	for init in tiny-sd tiny-sd-random; do \
		cfg=configs/ldis/ldis1_$${init}_1shot_1500it_shapes_64.py; \
		dir=$(LDIS_PRIOR_DIR)/$$init; \
		$(PY) tools/train.py $$cfg --work-dir $$dir || exit 1; \
		for split in val novel; do \
			$(PY) tools/test.py $$cfg $$(cat $$dir/last_checkpoint) \
				--work-dir $$dir/test_$$split \
				--cfg-options test_dataloader.dataset.split=$$split || exit 1; \
		done; \
	done
	@echo "figures: $(LDIS_PRIOR_DIR)/*/test_*/test_summary.json"

quality-vs-passes: install
	test -f $(DEMO_DIR)/ldis1/last_checkpoint || \
		{ echo "no LDIS-1 in $(DEMO_DIR): run make demo first"; exit 1; }
	$(PY) tools/train.py $(LDISN_CFG) --work-dir $(QVP_DIR)/ldisn
	$(PY) tools/analysis_tools/quality_vs_passes.py $(LDISN_CFG) \
		$$(cat $(QVP_DIR)/ldisn/last_checkpoint) --settings $(QVP_SETTINGS) \
		--one-step $(LDIS_CFG) $$(cat $(DEMO_DIR)/ldis1/last_checkpoint) \
		--out-dir $(QVP_DIR) \
		--cfg-options test_dataloader.dataset.num_episodes=$(QVP_EPISODES)
	cp $(QVP_DIR)/quality_vs_passes.png docs/quality_vs_passes.png

clean-demo:
	rm -rf $(DEMO_DIR) work_dirs/tiny-sd
