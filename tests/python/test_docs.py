# docs/python.md's first example runs as written.
import os
import re
import subprocess
import sys

from conftest import SOURCE_DIR, require_dataset


def first_example():
    text = (SOURCE_DIR / "docs" / "python.md").read_text()
    section = text.split("## First example", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_first_example_runs_as_written():
    require_dataset("mnist-digits")
    code = first_example()
    assert len([line for line in code.splitlines() if line.strip()]) <= 14
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, env=os.environ)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "(4, 1, 28, 28)"
    accuracy = float(lines[-2].split()[-1])
    assert accuracy > 0.95  # 1s against 3s: an easy pair
