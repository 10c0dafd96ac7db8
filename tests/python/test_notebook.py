# examples/notebooks/digits-1-3.ipynb runs end to end (nbconvert + ipykernel) and draws its
# figures, so the notebook cannot rot.
import json
import os
import subprocess
import sys

import glassbox
from conftest import SOURCE_DIR, require_dataset

NOTEBOOK = SOURCE_DIR / "examples" / "notebooks" / "digits-1-3.ipynb"


def test_notebook_executes_and_draws_the_study(tmp_path):
    require_dataset("mnist-digits")
    # The kernel starts in the notebook's folder: name the package this test imported.
    package = os.path.dirname(os.path.dirname(os.path.abspath(glassbox.__file__)))
    env = dict(os.environ, MPLBACKEND="module://matplotlib_inline.backend_inline",
               PYTHONPATH=os.pathsep.join([package, os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--output-dir", str(tmp_path),
         "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=python3", str(NOTEBOOK)],
        capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, done.stderr[-4000:]
    executed = json.loads((tmp_path / NOTEBOOK.name).read_text())
    outputs = [o for cell in executed["cells"] if cell["cell_type"] == "code" for o in cell["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(figures) == 4  # firing rates, confidence, layers, relevance heatmaps
    text = "".join("".join(o.get("text", "")) for o in outputs if o["output_type"] == "stream")
    assert "Epoch 2/2" in text and "1s and 3s stay separable from layer" in text
