"""The notebooks: stored without outputs, and each runs top to bottom in the small size."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_notebooks_found():
    assert len(NOTEBOOKS) >= 3, NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    assert notebook.cells[0].cell_type == "markdown"
    assert "COGOV_NOTEBOOK_SIZE=small" in notebook.cells[0].source
    cells = code_cells(notebook)
    assert cells
    assert [(cell.outputs, cell.execution_count) for cell in cells] == [([], None)] * len(cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_runs_in_small_size(path, tmp_path, monkeypatch):
    monkeypatch.setenv("COGOV_NOTEBOOK_SIZE", "small")
    monkeypatch.setenv("COGOV_RESULTS_DIR", str(tmp_path))
    # ipykernel picks the inline backend (figures as image outputs) only when none is set
    monkeypatch.delenv("MPLBACKEND", raising=False)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute()

    cells = code_cells(notebook)
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1))
    outputs = [output for cell in cells for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    images = [base64.b64decode(output.data["image/png"]) for output in outputs
              if "image/png" in output.get("data", {})]
    assert images, f"{path.name} drew no figure"
    assert all(image.startswith(PNG_SIGNATURE) and len(image) > 5_000 for image in images)
    # whatever a notebook swept went to COGOV_RESULTS_DIR, and finished
    for manifest in tmp_path.rglob("manifest.json"):
        assert json.loads(manifest.read_text(encoding="utf-8")).get("status") == "complete"
