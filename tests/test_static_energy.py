"""Energy per cycle (hardware/energy.py: pe_static, rf_static, glb_static, simd_static).

1. A table that states them charges each conv/fc layer, for each of its cycles, exactly
   cycles × (pe_static × PEs + rf_static × PEs + glb_static × GLBs + simd_static), each on
   its level (MAC, RF, GLB, SIMD), the dynamic energy unchanged — the same mapping priced
   twice, the difference against that closed form.
2. Stated as 0 they change nothing: every layer's energy equals the table without them.
3. The mappers' objectives include them: the score equals the evaluated total, and the
   full search's energy-best mapping under energy per cycle is never slower than without.
4. A per-type static entry is refused with the one-paragraph error.
5. The cited default (``static: jssc17``) is the JSSC'17 chip's figures worked through as the
   energy module states (recomputed here from the paper's numbers), the user's own entries
   win over it, it needs a built-in table, and with it the energy objective on a small layer
   is never slower than without.
"""
from __future__ import annotations

import math

import pytest

from accelsim.api import run
from accelsim.dataflow import dataflow_for
from accelsim.engine.evaluate import evaluate, score
from accelsim.engine.problem import Problem
from accelsim.errors import AccelsimError
from accelsim.hardware import load_hardware
from accelsim.mapping import search as S

from conftest import REPO

STATIC = {"pe_static": 0.8, "rf_static": 0.25, "glb_static": 3.0, "simd_static": 0.5}


def _config(tmp_path, costs: dict[str, float], base: str = "eyeriss", table: str = "eyeriss", extra: str = ""):
    text = (REPO / "hw_configs" / f"{base}.yaml").read_text()
    inline = ", ".join(f"{k}: {v}" for k, v in costs.items())
    assert f"\nenergy: {table}\n" in text
    path = tmp_path / f"{base}_static.yaml"
    path.write_text(text.replace(f"\nenergy: {table}\n", f"\nenergy: {{table: {table}{extra}, costs: {{{inline}}}}}\n"))
    return load_hardware(path)


LAYER = Problem(N=1, G=1, M=32, C=16, E=13, F=13, R=3, S=3, H=15, W=15, U=1, D=1, pt=0, pl=0)


@pytest.mark.parametrize("base,table", [("eyeriss", "eyeriss"), ("edge_16x16", "horowitz45")])
def test_static_energy_is_cycles_times_the_per_cycle_costs(tmp_path, base, table):
    plain = load_hardware(REPO / "hw_configs" / f"{base}.yaml")
    spec = _config(tmp_path, STATIC, base, table)
    df = dataflow_for(plain.dataflow, plain.array.kind)
    m = S.search_mapping(LAYER, plain, df)
    a, b = evaluate(LAYER, plain, df, m), evaluate(LAYER, spec, df, m)
    assert a.cycles == b.cycles and a.actions.items() <= b.actions.items()
    n_glb = len(plain.glbs)
    per_level = {
        "MAC": STATIC["pe_static"] * plain.pes, "RF": STATIC["rf_static"] * plain.pes,
        "GLB": STATIC["glb_static"] * n_glb, "SIMD": STATIC["simd_static"],
    }
    for level in a.energy:
        extra = per_level.get(level, 0.0) * a.cycles
        assert math.isclose(b.energy[level] - a.energy[level], extra, rel_tol=1e-9, abs_tol=1e-6), level
    assert b.actions["pe_static"] == a.cycles * plain.pes and b.actions["glb_static"] == a.cycles * n_glb
    assert math.isclose(score(LAYER, spec, df, m, "energy"), b.total_energy, rel_tol=1e-12)
    assert math.isclose(score(LAYER, spec, df, m, "edp"), b.total_energy * b.cycles, rel_tol=1e-12)


def test_zero_static_keeps_every_number(tmp_path):
    spec = _config(tmp_path, dict.fromkeys(STATIC, 0))
    a = run("alexnet", "eyeriss", "rs")
    b = run("alexnet", spec, "rs")
    assert [(x.name, x.energy, x.cycles) for x in a.layers] == [(x.name, x.energy, x.cycles) for x in b.layers]


def test_energy_objective_stops_trading_time(tmp_path):
    plain = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    spec = _config(tmp_path, STATIC)
    df = dataflow_for("rs", plain.array.kind)
    p = Problem(N=1, G=1, M=8, C=4, E=6, F=6, R=3, S=3, H=8, W=8, U=1, D=1, pt=0, pl=0)
    m0, m1 = S.full_search_mapping(p, plain, df, "energy"), S.full_search_mapping(p, spec, df, "energy")
    assert evaluate(p, spec, df, m1).cycles <= evaluate(p, plain, df, m0).cycles
    assert evaluate(p, spec, df, m1).total_energy <= evaluate(p, spec, df, m0).total_energy


def test_per_type_static_entry_is_refused(tmp_path):
    with pytest.raises(AccelsimError) as e:
        _config(tmp_path, {"pe_static.weight": 1.0})
    msg = str(e.value)
    assert "per cycle" in msg and "pe_static.weight" in msg and "eyeriss_static.yaml" in msg


# JSSC'17 (PUBLISHED.md §1): 278 mW, 200 MHz, 23.1 GMAC/s on AlexNet; ALUs < 10 %, data
# movement <= 45 % of the power; 168 PEs, two GLBs; spads ~1/2 of the area, the GLB 2.5x less
def _jssc17(per_cycle: float) -> dict[str, float]:
    return {"pe_static": per_cycle * (1 - 0.5 - 0.2) / 168, "rf_static": per_cycle * 0.5 / 168,
            "glb_static": per_cycle * 0.2 / 2}


@pytest.mark.parametrize("base,table,per_cycle", [
    ("eyeriss", "eyeriss", 0.45 * (23.1e9 / 200e6) / 0.10),  # MAC-energies: 519.75 per cycle
    ("edge_16x16", "horowitz45", 0.45 * 0.278 / 200e6 * 1e12),  # pJ: 625.5 per cycle
])
def test_cited_static_default(tmp_path, base, table, per_cycle):
    spec = _config(tmp_path, {}, base, table, extra=", static: jssc17")
    for action, value in _jssc17(per_cycle).items():
        assert math.isclose(spec.energy.cost(action), value, rel_tol=1e-12), action
    assert "JSSC'17" in spec.energy.sources["pe_static"]
    own = _config(tmp_path, {"pe_static": 0.5}, base, table, extra=", static: jssc17")
    assert own.energy.cost("pe_static") == 0.5 and own.energy.cost("rf_static") == spec.energy.cost("rf_static")


def test_cited_static_default_with_the_energy_objective(tmp_path):
    plain = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    spec = _config(tmp_path, {}, extra=", static: jssc17")
    df = dataflow_for("rs", plain.array.kind)
    p = Problem(N=1, G=1, M=8, C=4, E=6, F=6, R=3, S=3, H=8, W=8, U=1, D=1, pt=0, pl=0)
    m0, m1 = S.full_search_mapping(p, plain, df, "energy"), S.full_search_mapping(p, spec, df, "energy")
    assert evaluate(p, spec, df, m1).cycles <= evaluate(p, plain, df, m0).cycles
    assert evaluate(p, spec, df, m1).total_energy <= evaluate(p, spec, df, m0).total_energy


@pytest.mark.parametrize("energy,message", [
    ("{unit: pJ, static: jssc17, costs: {mac: 1}}", "built-in table"),
    ("{table: eyeriss, static: jssc18}", "jssc18"),
])
def test_cited_static_default_errors(tmp_path, energy, message):
    text = (REPO / "hw_configs" / "eyeriss.yaml").read_text().replace("\nenergy: eyeriss\n", f"\nenergy: {energy}\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(AccelsimError) as e:
        load_hardware(path)
    assert message in str(e.value) and "bad.yaml" in str(e.value)
