"""Eyeriss's run-length compression (RLC) of feature maps at DRAM, as an opt-in model.

The format (JSSC'17 §IV-B, Fig. 8 [R], PUBLISHED.md §1.1): a 64-bit word holds three
(run, level) pairs — a 5-bit run of zeros (at most 31) and a 16-bit non-zero value — and
an end bit. Eyeriss compresses the ofmaps it writes to DRAM and decompresses the ifmaps it
reads; weights and partial sums go uncompressed.

accelsim does not see the data, so it prices the *expected* compressed size from the
published share of zeros ``z`` of each layer's input (JSSC'17 Table V, "zeros in ifmap"),
taking zeros as independent of one another [I]. A non-zero value costs one pair; a run of
k zeros in front of it costs ⌊k/32⌋ extra pairs (a pair carries 31 zeros and a zero
level). With P(k ≥ j) = z^j the expected pairs per value is (1 − z) / (1 − z^32), and
at 3 pairs per 64 bits the size relative to raw 16-bit values is

    factor(z) = (4/3) · (1 − z) / (1 − z^32)

Data with few zeros would grow (factor(0) = 4/3); the model sends such data raw
(factor ≤ 1) [I]. An ofmap is written compressed with the zero share of the next layer's
input (the closest published figure: the ReLU output after pooling; the last layer's
output has no published figure and is written raw) [I].

DRAM accesses stay counted in 16-bit words: a compressed transfer of n values costs
⌈n · factor⌉ words. The DRAM energy is re-priced with the config's energy table.
"""
from __future__ import annotations

import math
from dataclasses import replace

from ..engine.evaluate import price
from ..errors import AccelsimError
from ..hardware import HardwareSpec
from ..result import LayerResult, RunResult


def rlc_factor(zeros: float) -> float:
    """Expected RLC size over raw size for a stream with a share ``zeros`` of zeros (≤ 1)."""
    if not 0.0 <= zeros < 1.0:
        raise AccelsimError("a share of zeros must be in [0, 1)", where="RLC zero fractions", expected="0 <= z < 1", found=zeros)
    return min(1.0, (4.0 / 3.0) * (1.0 - zeros) / (1.0 - zeros**32))


def _layer(l: LayerResult, spec: HardwareSpec, f_in: float, f_out: float) -> LayerResult:
    acc = {lv: {t: dict(v) for t, v in types.items()} for lv, types in l.accesses.items()}
    d = acc["DRAM"]
    old = {"dram_read.ifmap": d["ifmap"]["reads"], "dram_write.ofmap": d["ofmap"]["writes"]}
    d["ifmap"]["reads"] = math.ceil(d["ifmap"]["reads"] * f_in)
    d["ofmap"]["writes"] = math.ceil(d["ofmap"]["writes"] * f_out)
    new = {"dram_read.ifmap": d["ifmap"]["reads"], "dram_write.ofmap": d["ofmap"]["writes"]}
    e_old, t_old = price(spec, old)
    e_new, t_new = price(spec, new)
    energy = {k: v - e_old.get(k, 0.0) + e_new.get(k, 0.0) for k, v in l.energy.items()}
    by_type = {k: v - t_old.get(k, 0.0) + t_new.get(k, 0.0) for k, v in l.energy_by_type.items()}
    return replace(l, accesses=acc, energy=energy, energy_by_type=by_type)


def compress(result: RunResult, spec: HardwareSpec, ifmap_zeros: dict[str, float], order: list[str]) -> RunResult:
    """``result`` with the DRAM ifmap reads and ofmap writes of the layers in ``order``
    (conv layers, in execution order) run-length compressed; ``ifmap_zeros`` gives each
    one's published share of zeros in its input."""
    missing = [n for n in order if n not in ifmap_zeros]
    if missing:
        raise AccelsimError("no published share of zeros for some layers", where="RLC", expected="a share for every layer compressed", found=missing)
    f_in = {n: rlc_factor(ifmap_zeros[n]) for n in order}
    f_out = {n: (f_in[order[i + 1]] if i + 1 < len(order) else 1.0) for i, n in enumerate(order)}
    layers = tuple(_layer(l, spec, f_in[l.name], f_out[l.name]) if l.name in f_in else l for l in result.layers)
    return replace(result, layers=layers, notes=result.notes + ("DRAM fmaps run-length compressed (JSSC'17 RLC model)",))


def load_zeros(path: str) -> dict[str, float]:
    """A zero-share file: ``ifmap_zeros: {layer: share of zeros in its input}`` (YAML, loaded safely)."""
    from ..yamlio import expect_mapping, load_yaml
    from ..errors import Where

    at = Where(str(path))
    data = expect_mapping(load_yaml(path), at, "a mapping with 'ifmap_zeros'")
    if "ifmap_zeros" not in data:
        raise at.error("no 'ifmap_zeros'", expected="ifmap_zeros: {layer: share of zeros in its input}", found=sorted(data))
    zeros = expect_mapping(data["ifmap_zeros"], at.at("ifmap_zeros"), "a mapping of layer names to shares in [0, 1)")
    out = {}
    for name, z in zeros.items():
        if isinstance(z, bool) or not isinstance(z, (int, float)) or not 0 <= z < 1:
            raise at.at(f"ifmap_zeros, layer '{name}'").error("not a share of zeros", expected="a number in [0, 1)", found=z)
        out[str(name)] = float(z)
    return out


def apply_rlc_file(result: RunResult, hardware: "HardwareSpec | str", path: str) -> RunResult:
    """``accelsim run --rlc FILE``: compress the DRAM fmaps of the layers FILE names, in the run's order."""
    from ..errors import did_you_mean
    from ..hardware import load_hardware
    from ..paths import resolve_hardware_path

    spec = hardware if isinstance(hardware, HardwareSpec) else load_hardware(resolve_hardware_path(str(hardware)))
    zeros = load_zeros(path)
    names = [l.name for l in result.layers]
    for n in zeros:
        if n not in names:
            raise AccelsimError(f"no layer '{n}' in the workload{did_you_mean(n, names)}", file=str(path), where="ifmap_zeros",
                                expected="a layer name of the workload", found=n)
    order = [n for n in names if n in zeros]
    return compress(result, spec, zeros, order)
