"""Autograder of assignment 2 (dataflows). Truth: the reference model run literally
against a NumPy convolution (accelsim.reference.check), and closed forms of what an
output-stationary dataflow moves."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from accelsim.dataflow.plugin import load
from accelsim.errors import AccelsimError
from accelsim.teach.grading import ENV, call, submission

OUTPUT_DIMS = {"N", "G", "M", "E", "F"}


def _closed_forms(N, C, H, W, M, R, S):
    E, F = H - R + 1, W - S + 1
    macs = N * M * E * F * C * R * S
    # psum kept in the RF: read (and written) by every MAC; weights and ifmaps streamed:
    # one NoC delivery per MAC; every output is written to the GLB once, finished.
    return {"macs": macs, "rf_psum_reads": macs, "noc_weight": macs, "noc_ifmap": macs, "glb_ofmap_writes": N * M * E * F}


@pytest.fixture(scope="module")
def dataflow():
    root = Path(os.environ[ENV])
    path = root / "my_os.py" if root.is_dir() else root
    try:
        return load(f"{path}:OutputStationary")
    except AccelsimError as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="module")
def answers():
    return submission("answers")


def test_computes_the_convolution(dataflow):
    """The reference model runs your loop nest on random small layers; the output must be
    the NumPy convolution's."""
    from accelsim.reference.check import check_dataflow

    try:
        check_dataflow(dataflow)
    except AccelsimError as exc:
        pytest.fail(str(exc), pytrace=False)


def test_is_output_stationary(dataflow):
    spatial = set(dataflow.rows) | set(dataflow.cols)
    assert spatial <= OUTPUT_DIMS, (
        f"rows/cols spread {sorted(spatial - OUTPUT_DIMS)} across the array: PEs would then hold partial sums of "
        "the same output, which must be added elsewhere — output stationary spreads output dims (E, F, M, N) only")
    assert dataflow.keep["psum"] != "mac", "keep['psum'] is 'mac': the psum does not stay in the PE, so this is not output stationary"
    for t in ("weight", "ifmap"):
        assert dataflow.keep[t] == "mac", f"keep[{t!r}] = {dataflow.keep[t]!r}: in this assignment's OS only the psum stays; {t}s stream in ('mac')"


def test_counts_follow_from_the_dataflow(dataflow):
    """accelsim's counts for your dataflow on layer.yaml equal the OS closed forms."""
    import accelsim

    layer = Path(__file__).resolve().parents[1] / "starter" / "layer.yaml"
    r = accelsim.run(layer, "eyeriss", dataflow=dataflow)
    a = r.layers[0].accesses
    got = {"macs": r.layers[0].macs, "rf_psum_reads": a["RF"]["psum"]["reads"], "noc_weight": a["NoC"]["weight"]["reads"],
           "noc_ifmap": a["NoC"]["ifmap"]["reads"], "glb_ofmap_writes": a["GLB"]["ofmap"]["writes"]}
    assert got == _closed_forms(1, 8, 10, 10, 8, 3, 3)


@pytest.mark.parametrize("shape", [(1, 8, 10, 10, 8, 3, 3), (2, 3, 7, 9, 5, 1, 3), (1, 16, 14, 14, 32, 5, 5)])
def test_predictions(answers, shape):
    got = call(answers.predict, *shape)
    want = _closed_forms(*shape)
    wrong = {k: (got.get(k) if isinstance(got, dict) else None, v) for k, v in want.items() if not isinstance(got, dict) or got.get(k) != v}
    assert not wrong, "for N C H W M R S = {}: {}".format(
        shape, "; ".join(f"{k}: you predict {g}, accelsim counts {v}" for k, (g, v) in wrong.items()))


def test_explanation_is_written(answers):
    words = len(str(getattr(answers, "EXPLANATION", "")).split())
    assert words >= 50, f"EXPLANATION has {words} words; write at least 50 (it is read and marked by hand)"
