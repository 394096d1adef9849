"""tools/webui.py in a real browser: headless Chromium loads a shapes
example and segments it; the mask it downloads and the panel it shows
(prompt with its painted mask, query with the prediction) equal those of
inference_incontext for the same inputs.

Needs the demo extra (Gradio, Selenium) and Debian's ``chromium`` and
``chromium-driver``; skipped without them. Set ``DIFFSEG_WEBUI_SCREENSHOT``
to a PNG path to keep the screenshot of the page with its result.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import numpy as np
import pytest

from _helpers.configs import write_tiny_ldis1_checkpoint
from _helpers.paths import REPO_ROOT, load_tool
from _helpers.tools import tool_env
from diffseg.apis import inference_incontext, init_model
from diffseg.fileio import read_image
from diffseg.visualization import draw_incontext_panel

pytest.importorskip('gradio', reason='the web demo needs Gradio: pip '
                    'install -e ".[demo]"')
pytest.importorskip('selenium', reason='the browser test needs Selenium: '
                    'pip install -e ".[demo]"')
CHROMIUM = shutil.which('chromium') or shutil.which('chromium-browser')
CHROMEDRIVER = shutil.which('chromedriver')
if CHROMIUM is None or CHROMEDRIVER is None:
    pytest.skip('Chromium and its driver are not installed (Debian: '
                'apt-get install chromium chromium-driver)',
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

SERVER_TIMEOUT = 120  # seconds for the server to start (imports, model)
TIMEOUT = 60  # seconds for the page to answer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.fixture(scope='module')
def tiny_model(tmp_path_factory):
    """A tiny LDIS-1 config (32 px shapes) and a checkpoint of it."""
    return write_tiny_ldis1_checkpoint(str(tmp_path_factory.mktemp('webui')))


@pytest.fixture(scope='module')
def server(tiny_model, tmp_path_factory):
    """tools/webui.py serving the tiny model on 127.0.0.1; yields its URL."""
    port = free_port()
    log_path = tmp_path_factory.mktemp('webui_log') / 'server.log'
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(
            [sys.executable, 'tools/webui.py', *tiny_model, '--port',
             str(port)], cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
            env=dict(tool_env(), GRADIO_ANALYTICS_ENABLED='False'))
    url = f'http://127.0.0.1:{port}/'
    try:
        deadline = time.time() + SERVER_TIMEOUT
        while True:
            assert proc.poll() is None, log_path.read_text()[-4000:]
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert time.time() < deadline, log_path.read_text()[-4000:]
                time.sleep(0.5)
        assert f'Running on local URL:  {url.rstrip("/")}' in (
            log_path.read_text())
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope='module')
def browser():
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage',
                '--window-size=1400,1500'):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def fetch(url: str, path) -> np.ndarray:
    """The image at ``url``, saved to ``path`` and read back."""
    with urllib.request.urlopen(url) as response:
        path.write_bytes(response.read())
    return read_image(str(path), 'unchanged')


def messages(driver) -> list:
    """The texts of the messages (toasts) on the page."""
    return [e.text for e in driver.find_elements(
        By.CSS_SELECTOR, '[data-testid="toast-text"]')]


def dismiss_messages(driver, wait) -> None:
    for button in driver.find_elements(By.CSS_SELECTOR,
                                       '[data-testid="toast-close"]'):
        button.click()
    wait.until(lambda d: not messages(d))


def segment_example(driver, wait, attempts: int = 5) -> list:
    """Load the first example and click Segment until the mask link comes:
    the editor loads the example's images in the background, and a click
    before it has them is answered by the message that no mask is
    painted. Returns the link elements."""
    driver.find_element(
        By.CSS_SELECTOR, '#examples [data-testid="dataset-cell-0-0"]').click()
    for _ in range(attempts):
        driver.find_element(By.ID, 'segment').click()
        link = wait.until(lambda d: d.find_elements(
            By.CSS_SELECTOR, '#mask_file a[href]') or messages(d))
        if not messages(driver):
            return link
        assert messages(driver) == [
            'upload a prompt image and paint its mask'], messages(driver)
        dismiss_messages(driver, wait)
        time.sleep(1)
    raise AssertionError(f'no result after {attempts} clicks: '
                         f'{messages(driver)}')


def test_example_segmented_in_the_browser(server, browser, tiny_model,
                                          tmp_path):
    wait = WebDriverWait(browser, TIMEOUT)
    browser.get(server)
    # nothing given: a message, not a stack trace
    wait.until(lambda d: d.find_element(By.ID, 'segment')).click()
    wait.until(lambda d: messages(d) == [
        'upload a prompt image and paint its mask'])
    dismiss_messages(browser, wait)
    link = segment_example(browser, wait)
    panel = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR,
                                                 '#result img[src]'))
    mask = fetch(link[0].get_attribute('href'), tmp_path / 'mask.png')
    panel = fetch(panel[0].get_attribute('src'), tmp_path / 'panel.png')
    screenshot = str(tmp_path / 'webui.png')
    browser.save_screenshot(screenshot)
    if os.environ.get('DIFFSEG_WEBUI_SCREENSHOT'):
        shutil.copy(screenshot, os.environ['DIFFSEG_WEBUI_SCREENSHOT'])

    # the same episode, written again, through the API
    handlers = load_tool('webui_handlers.py')
    example = handlers.write_examples(str(tmp_path / 'examples'),
                                      img_size=32)[0]
    model = init_model(*tiny_model)
    sample = inference_incontext(model, example['query'],
                                 [(example['prompt'], example['mask'])])
    np.testing.assert_array_equal(mask,
                                  sample.pred_sem_seg.data[0].numpy() * 255)
    expected = draw_incontext_panel(sample,
                                    read_image(example['query'], 'color'))
    np.testing.assert_array_equal(panel[..., :3], expected)
