"""The README's Python examples for Mesa's tools and EMA Workbench run as written."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("### With Mesa's own tools", "### Exploratory modelling with EMA Workbench")


def examples(heading: str) -> list[str]:
    """The ``python`` code blocks of the README section under ``heading``."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


@pytest.mark.timeout(600)
@pytest.mark.parametrize("heading", SECTIONS)
def test_readme_examples_run(heading, tmp_path):
    blocks = examples(heading)
    assert blocks, f"{heading} has Python examples"
    for code in blocks:
        # -c, as an interactive session would: batch_run's spawned workers re-import no script
        done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, f"{heading}:\n{code}\n{done.stderr[-3000:]}"
