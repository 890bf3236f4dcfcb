"""Autograder of assignment 2 (dataflows). Truth: the reference model run literally
against a NumPy convolution (accelsim.reference.check), and closed forms of what an
output-stationary dataflow moves."""
from __future__ import annotations

from pathlib import Path

from accelsim.dataflow.plugin import load
from accelsim.errors import AccelsimError
from accelsim.teach.checks import call, expect, fail, fixture, params, submission, submission_root

OUTPUT_DIMS = {"N", "G", "M", "E", "F"}


def _closed_forms(N, C, H, W, M, R, S):
    E, F = H - R + 1, W - S + 1
    macs = N * M * E * F * C * R * S
    # psum kept in the RF: read (and written) by every MAC; weights and ifmaps streamed:
    # one NoC delivery per MAC; every output is written to the GLB once, finished.
    return {"macs": macs, "rf_psum_reads": macs, "noc_weight": macs, "noc_ifmap": macs, "glb_ofmap_writes": N * M * E * F}


@fixture
def dataflow():
    root = submission_root()
    path = root / "my_os.py" if root.is_dir() else root
    try:
        return load(f"{path}:OutputStationary")
    except AccelsimError as exc:
        fail(str(exc))


@fixture
def answers():
    return submission("answers")


def check_computes_the_convolution(dataflow):
    """The reference model runs your loop nest on random small layers; the output must be
    the NumPy convolution's."""
    from accelsim.reference.check import check_dataflow

    try:
        check_dataflow(dataflow)
    except AccelsimError as exc:
        fail(str(exc))


def check_is_output_stationary(dataflow):
    spatial = set(dataflow.rows) | set(dataflow.cols)
    expect(spatial <= OUTPUT_DIMS,
           f"rows/cols spread {sorted(spatial - OUTPUT_DIMS)} across the array: PEs would then hold partial sums of "
           "the same output, which must be added elsewhere — which dims may an output-stationary array spread?")
    expect(dataflow.keep["psum"] != "mac", "keep['psum'] is 'mac': the psum does not stay in the PE, so this is not "
           "output stationary")
    for t in ("weight", "ifmap"):
        expect(dataflow.keep[t] == "mac", f"keep[{t!r}] = {dataflow.keep[t]!r}: in this assignment's OS only one data "
               "type stays in the PE (the handout says which)", expected="mac", found=dataflow.keep[t])


def check_counts_follow_from_the_dataflow(dataflow):
    """accelsim's counts for your dataflow on layer.yaml equal the OS closed forms."""
    import accelsim

    layer = Path(__file__).resolve().parents[1] / "starter" / "layer.yaml"
    r = accelsim.run(layer, "eyeriss", dataflow=dataflow)
    a = r.layers[0].accesses
    got = {"macs": r.layers[0].macs, "rf_psum_reads": a["RF"]["psum"]["reads"], "noc_weight": a["NoC"]["weight"]["reads"],
           "noc_ifmap": a["NoC"]["ifmap"]["reads"], "glb_ofmap_writes": a["GLB"]["ofmap"]["writes"]}
    want = _closed_forms(1, 8, 10, 10, 8, 3, 3)
    wrong = sorted(k for k in want if got[k] != want[k])
    expect(not wrong, f"on layer.yaml, accelsim's counts for your dataflow differ from output stationary's in "
           f"{', '.join(wrong)}: look at what keep[] and the RF loops make stay in the PE", expected=want, found=got)


@params("shape", [(1, 8, 10, 10, 8, 3, 3), (2, 3, 7, 9, 5, 1, 3), (1, 16, 14, 14, 32, 5, 5)])
def check_predictions(answers, shape):
    got = call(answers.predict, *shape)
    want = _closed_forms(*shape)
    wrong = sorted(k for k, v in want.items() if not isinstance(got, dict) or got.get(k) != v)
    expect(not wrong, "for N C H W M R S = {}: your prediction of {} is wrong — think about which data type stays in "
           "the PE and how often the others move".format(shape, ", ".join(wrong)), expected=want, found=got)


def check_explanation_is_written(answers):
    words = len(str(getattr(answers, "EXPLANATION", "")).split())
    expect(words >= 50, f"EXPLANATION has {words} words; write at least 50 (it is read and marked by hand)")
