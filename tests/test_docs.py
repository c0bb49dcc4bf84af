"""The documentation builds without a single warning."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"

NEEDED = ("sphinx", "numpydoc", "pydata_sphinx_theme", "sphinx_gallery", "matplotlib")


@pytest.mark.skipif(
    any(importlib.util.find_spec(name) is None for name in NEEDED),
    reason="the docs dependencies (pip install -e '.[docs]') are not installed",
)
def test_docs_build_without_warnings(tmp_path):
    """``sphinx -W --keep-going -b html docs <tmp>``: the API pages, the user
    guide and the gallery (whose example runs) build, warnings being errors."""
    cmd = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-q",
        "-b",
        "html",
        "-d",
        str(tmp_path / "doctrees"),
        str(DOCS),
        str(tmp_path / "html"),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (
        f"sphinx exited with {result.returncode}\n"
        f"--- stderr ---\n{result.stderr[-6000:]}\n"
        f"--- stdout ---\n{result.stdout[-2000:]}"
    )
    assert (tmp_path / "html" / "index.html").exists()
