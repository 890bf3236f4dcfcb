"""The example notebooks run top to bottom (nbclient, a local kernel, no network), and are
what examples/make_notebooks.py writes."""
from __future__ import annotations

import importlib.util

import pytest

from conftest import REPO

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

EXAMPLES = REPO / "examples"


def _maker():
    spec = importlib.util.spec_from_file_location("make_notebooks", EXAMPLES / "make_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", ["quick_tour.ipynb", "energy_breakdown.ipynb", "writing_a_dataflow.ipynb"])
def test_notebook_runs(name, tmp_path):
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    # stored with their outputs, figures drawn, so that they read on a web page
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.get("outputs") for c in code), "store the outputs: python examples/make_notebooks.py"
    assert any("image/png" in o.get("data", {}) for c in code for o in c.outputs), "a figure of accelsim.report"
    assert sum(c.cell_type == "markdown" for c in nb.cells) >= len(code) - 1, "narrative between the cells"
    assert [c.source for c in nb.cells] == [c.source for c in _maker().notebook(_maker().NOTEBOOKS[name]).cells], \
        "regenerate with python examples/make_notebooks.py"
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell and its traceback, if a cell fails
    text = "\n".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    if name == "writing_a_dataflow.ipynb":
        assert "correct on every random layer" in text
        assert "first wrong output element" in text
    if name == "quick_tour.ipynb":
        assert "least energy: rs" in text  # Chen et al., ISCA 2016: RS is the most energy-efficient dataflow
