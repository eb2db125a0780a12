"""The Streamlit app starts, shows the machine, and loads no deep-learning framework."""

import json
import os
import subprocess
import sys

from conftest import ROOT

# Run in a fresh interpreter: this test process has TensorFlow loaded for other tests,
# and the point is to see what the app process alone imports.
SCRIPT = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=60).run()
print(json.dumps({
    "exceptions": [e.value for e in at.exception],
    "title": [t.value for t in at.title],
    "metrics": {m.label: m.value for m in at.metric},
    "frameworks": sorted(m for m in ("tensorflow", "jax", "torch", "keras") if m in sys.modules),
}))
"""


def test_start_page_renders_without_importing_a_framework():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    page = json.loads(done.stdout.strip().splitlines()[-1])
    assert page["exceptions"] == []
    assert page["title"] == ["dlenv: what is this machine made of?"]
    assert int(page["metrics"]["Physical cores"]) >= 1
    assert "GFLOP/s" in page["metrics"]["float32 peak (estimate)"]
    assert page["frameworks"] == []
