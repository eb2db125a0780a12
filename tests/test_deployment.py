"""The Streamlit Community Cloud path: an environment built only from requirements.txt
serves the app, and after the Quick demo the app process stays within 1 GB.

``.ci/run`` builds that environment (``.venv-app``) and names its Python in
``DLENV_APP_PYTHON``; elsewhere the test is skipped with how to run it (and fails under
CI, where it must run).
"""

import os
import subprocess

import pytest
from browser import RUN_TIMEOUT_MS, errors, launch_browser, open_app, press, run_matmul_with_gpu_chosen, start_server

from dlenv.i18n import t

APP_PYTHON = os.environ.get("DLENV_APP_PYTHON")
if not APP_PYTHON:
    reason = ("set DLENV_APP_PYTHON to the Python of a venv built with only "
              "`pip install -r requirements.txt` (bash .ci/run does)")
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason, allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from start_server(tmp_path_factory, python=APP_PYTHON)


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


def test_the_app_environment_lacks_the_test_tools():
    missing = subprocess.run([APP_PYTHON, "-c", "import pytest"], capture_output=True, check=False)
    assert missing.returncode != 0, "DLENV_APP_PYTHON must be built from requirements.txt alone"


def test_it_serves_the_start_page_and_the_quick_demo_within_1_gb(server, browser):
    page = open_app(browser, server)
    assert page.locator("h1").first.inner_text() == t("env_title", "en")
    press(page, t("demo_run", "en"), RUN_TIMEOUT_MS)
    assert errors(page) == []
    assert page.get_by_test_id("stPlotlyChart").count() == 1
    assert len(server.workers()) == 1  # one TensorFlow worker measured it
    assert server.rss_mb() < 1024
    page.context.close()


def test_without_a_gpu_it_compares_the_cpu_with_published_and_predicted_gpus(server, browser):
    """What the app is for, on a CPU-only deployment: the bundled H100 figures and the T4's
    datasheet prediction beside the CPU measured there, from the installed package alone."""
    page = open_app(browser, server)
    names = run_matmul_with_gpu_chosen(page, "en")
    assert errors(page) == []
    assert {"cpu:0 · tensorflow", "H100 SXM · TF32 (published)", "T4 (predicted)"} <= names
    assert page.get_by_text(t("no_device_here", "en", kind="GPU")).count() == 1
    page.context.close()
