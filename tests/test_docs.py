"""The generated parameter reference matches the schema and the bundled scenarios."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_parameter_reference_is_up_to_date():
    result = subprocess.run([sys.executable, "tools/param_table.py", "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, (
        "docs/parameters.md is stale: run `python tools/param_table.py`\n" + result.stdout
        + result.stderr)
