"""Installing as the README says gives no pip warning about lxml's html_clean extra."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_readme_quick_start_upgrades_pip_in_the_venv():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "python3 -m venv --upgrade-deps .venv && .venv/bin/pip install . &&" in readme


@pytest.mark.slow
def test_an_upgraded_pip_resolves_lxml_html_clean_without_a_warning(tmp_path):
    """jusText asks for ``lxml[html_clean]``; lxml names the extra ``html-clean``.

    pip before 23.3 does not normalise extra names and warns "lxml ... does not provide the
    extra 'html_clean'"; the venv's pip after ``--upgrade-deps`` does not.
    """
    venv = tmp_path / "venv"
    made = subprocess.run([sys.executable, "-m", "venv", "--upgrade-deps", str(venv)],
                          capture_output=True, text=True, timeout=300, check=False)
    if made.returncode != 0:
        pytest.skip(f"could not create a venv with an upgraded pip: {made.stderr[-300:]}")
    resolved = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "--dry-run", "--quiet", "justext>=3.0.1"],
        capture_output=True, text=True, timeout=300, check=False)
    if resolved.returncode != 0:
        pytest.skip(f"no package index reachable: {resolved.stderr[-300:]}")
    assert "does not provide the extra" not in resolved.stderr
