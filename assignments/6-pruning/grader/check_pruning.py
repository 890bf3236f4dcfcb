"""Autograder of assignment 6 (pruning and quantization on hardware). Truth: the compressions
the handout describes (Deep Compression, ICLR 2016, Table 4 densities, via the shipped file),
and accelsim's own runs of AlexNet on eyeriss_sparse_weights (Eyeriss keeping pruned weights
compressed, the config of `accelsim reproduce sparsity`). The messages say
what is wrong, never the measured numbers: students run accelsim themselves."""
from __future__ import annotations

import math
from pathlib import Path

import accelsim
from accelsim.compress import Compression
from accelsim.compress.loader import load_compression
from accelsim.teach.checks import call, expect, fail, fixture, params, submission

HARDWARE = str(Path(accelsim.__file__).resolve().parent / "reproduce" / "configs" / "eyeriss_sparse_weights.yaml")
NETWORK = "alexnet"
LEVELS = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")
CASES = ("pruning", "quantization")


@fixture
def sub():
    return submission("pruning")


@fixture
def comps(sub):
    out = {}
    for case, fn in (("pruning", sub.pruned), ("quantization", sub.quantized8)):
        c = call(fn)
        if not isinstance(c, Compression):
            fail(f"{fn.__name__}() returns {type(c).__name__}, not an accelsim.compress.Compression")
        out[case] = c
    return out


def reference() -> dict[str, Compression]:
    """The handout's two compressions, built here from the shipped Deep Compression file."""
    from accelsim.compress import LayerCompression, TensorCompression

    dc = load_compression("deep_compression_alexnet")
    layers = {n: LayerCompression(weight=TensorCompression(density=lc.weight.density, index_bits=4)) for n, lc in dc.layers.items()}
    return {"pruning": Compression("pruned", "Deep Compression Table 4 densities, 4-bit indices", layers=layers),
            "quantization": Compression("quantized8", "8-bit weights", default=LayerCompression(weight=TensorCompression(bits=8)))}


REF = reference()


@fixture
def truth():
    out = {}
    for case, c in REF.items():
        r = accelsim.run(NETWORK, HARDWARE, compress=c)
        t = r.totals()
        saving = {lv: 1 - t["energy"][lv] / t["dense"]["energy"][lv] if t["dense"]["energy"].get(lv) else 0.0 for lv in LEVELS}
        saving["total"] = 1 - t["energy_total"] / t["dense"]["energy_total"]
        saved = {lv: t["dense"]["energy"][lv] - t["energy"][lv] for lv in LEVELS}
        by_layer = [(l.type, l.compressed["dense"]["energy_total"] - l.total_energy) for l in r.layers]
        fc = sum(s for kind, s in by_layer if kind == "fc") / sum(s for _, s in by_layer)
        out[case] = {"energy": t["energy"], "saving": saving, "most": max(saved, key=saved.get), "fc": fc}
    return out


def check_compressions(comps):
    from accelsim.compress.loader import resolve
    from accelsim.workload.zoo import build

    net = build(NETWORK)
    dc = load_compression("deep_compression_alexnet")
    p = resolve(comps["pruning"], net)
    for name, lc in dc.layers.items():
        w = p[name].weight
        if w.d != lc.weight.density:
            fail(f"pruned(): {name}'s weight density is not Deep Compression's (Table 4; the shipped deep_compression_alexnet)")
        if w.index_bits != 4:
            fail(f"pruned(): {name}'s weights need 4-bit relative indices")
        if w.bits not in (None, 16) or w.codebook is not None:
            fail(f"pruned(): {name}'s weights are quantized or shared — pruning only keeps the native 16-bit width")
    q = resolve(comps["quantization"], net)
    for name, lc in q.items():
        w = lc.weight
        if w.width(16) != 8 or w.d != 1.0:
            fail(f"quantized8(): {name}'s weights should be dense (density 1) at 8 bits")
        if lc.ifmap.width(16) != 16 or lc.ofmap.width(16) != 16 or lc.ifmap.d != 1.0:
            fail(f"quantized8(): {name}'s feature maps are changed — quantize the weights only")


def check_predictions_are_written_first(sub):
    for case in CASES:
        v = sub.PREDICTED.get(case)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            fail(f"PREDICTED[{case!r}] = {v!r}: write your prediction (a share between 0 and 1) before you measure")


@params("case", CASES)
def check_energy_by_level(sub, truth, case):
    got = call(sub.energy_by_level, NETWORK, HARDWARE, REF[case])
    for lv in LEVELS:
        if lv not in got or not math.isclose(got[lv], truth[case]["energy"][lv], rel_tol=1e-6, abs_tol=1e-3):
            fail(f"energy_by_level, {case}: {lv} is not the energy of accelsim's compressed run at that level",
                 expected=truth[case]["energy"][lv], found=got.get(lv))


@params("case", CASES)
def check_saving_by_level(sub, truth, case):
    got = call(sub.saving_by_level, NETWORK, HARDWARE, REF[case])
    for lv in (*LEVELS, "total"):
        want = truth[case]["saving"][lv]
        if lv not in got or not math.isclose(got[lv], want, rel_tol=1e-6, abs_tol=1e-9):
            hint = " (a saving is 1 - compressed / dense, not their ratio)" if lv in got and math.isclose(got[lv], 1 - want, abs_tol=1e-6) else ""
            fail(f"saving_by_level, {case}: {lv} does not match accelsim's runs{hint}", expected=want, found=got.get(lv))


def check_fc_share_of_saving(sub, truth):
    got = call(sub.fc_share_of_saving, NETWORK, HARDWARE, REF["pruning"])
    if not math.isclose(got, truth["pruning"]["fc"], rel_tol=1e-6):
        fail("fc_share_of_saving, pruning: not the share of the saving (dense - compressed energy, summed over layers) "
             "that the fc layers make", expected=truth["pruning"]["fc"], found=got)


def check_answers(sub, truth):
    for case in CASES:
        v = sub.SAVED_TOTAL.get(case)
        if not isinstance(v, (int, float)) or abs(v - truth[case]["saving"]["total"]) > 0.01:
            fail(f"SAVED_TOTAL[{case!r}] is not within 0.01 of what accelsim measures", expected=truth[case]["saving"]["total"], found=v)
        if sub.MOST_SAVED_LEVEL.get(case) != truth[case]["most"]:
            fail(f"MOST_SAVED_LEVEL[{case!r}] = {sub.MOST_SAVED_LEVEL.get(case)!r}: another level saves more pJ",
                 expected=truth[case]["most"], found=sub.MOST_SAVED_LEVEL.get(case))
    if not isinstance(sub.FC_SHARE, (int, float)) or abs(sub.FC_SHARE - truth["pruning"]["fc"]) > 0.02:
        fail("FC_SHARE is not within 0.02 of what accelsim measures", expected=truth["pruning"]["fc"], found=sub.FC_SHARE)
    nine = truth["pruning"]["saving"]["total"] >= 1 - 1 / 9
    if sub.PRUNING_SAVES_9X is not nine:
        fail(f"PRUNING_SAVES_9X = {sub.PRUNING_SAVES_9X!r}: compare SAVED_TOTAL['pruning'] with 1 - 1/9",
             expected=nine, found=sub.PRUNING_SAVES_9X)


def check_why(sub, truth):
    if truth["pruning"]["fc"] <= 0.5:
        fail("the FC layers do not make most of the saving here — the question's premise fails")
    if sub.WHY != "a":
        fail(f"WHY = {sub.WHY!r} is not the reason: look at fc_share_of_saving and at which data types' energy is left "
             "after pruning", expected="a", found=sub.WHY)
