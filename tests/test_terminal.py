"""`accelsim run`'s terminal output (issue #17): a summary whose numbers are the sums of
the result's layers, a table that fits 80-200 columns with whole layer names, fused
batch-norm / activation rows folded into their conv, energies in units that convert back
to the table's by the closed form."""
from __future__ import annotations

import json
import math
import re

import pytest

from accelsim.api import run
from accelsim.hardware.energy import NORMALIZED
from accelsim.terminal.rows import fold
from accelsim.terminal.run_view import HOT, PRIORITY, choose_columns, summary_lines, table_lines
from accelsim.terminal.units import EnergyFormat
from accelsim.workload.zoo import build

SI = {"": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15}
JOULE = {"J": 1.0, "mJ": 1e-3, "µJ": 1e-6, "nJ": 1e-9, "pJ": 1e-12, "fJ": 1e-15}


def parse_si(text: str) -> float:
    num, _, sym = text.strip().partition(" ")
    return float(num) * SI[sym]


@pytest.fixture(scope="module")
def resnet():
    # --fusion none: the rows fold what the per-layer model fuses (a batch norm, a ReLU after
    # a conv), re-derived below; the schedule's own fusions are marked by accelsim/schedule/show.py
    return run("resnet18", "eyeriss", fusion="none")


@pytest.fixture(scope="module")
def resnet_pj():
    return run("resnet18", "edge_16x16")


# ---------------------------------------------------------------- units


@pytest.mark.parametrize("pj", [0.37, 12.0, 999.0, 1234.5, 5.5e6, 3.21e9, 7.7e12, 2.5e15])
def test_joule_units_convert_back_by_the_closed_form(pj):
    text = EnergyFormat("pJ")(pj)
    num, sym = text.split(" ")
    # the printed value times its prefix is the energy in joules, to the three digits shown
    assert float(num) * JOULE[sym] == pytest.approx(pj * 1e-12, rel=5e-3)
    # the prefix is the one that fits: 1 <= value < 1000 (fJ and J at the ends)
    assert 1 <= float(num) < 1000 or sym in ("fJ", "J")


def test_other_joule_units_and_normalized():
    assert EnergyFormat("nJ")(2500.0) == "2.5 µJ"
    assert EnergyFormat("mJ")(0.004) == "4 µJ"
    norm = EnergyFormat(NORMALIZED)
    assert norm(2.37e10) == "23.7 G" and "× one MAC" in norm.header and "normalized to one MAC" not in norm.header
    assert EnergyFormat("furlongs")(1500.0) == "1.5 k" and "furlongs" in EnergyFormat("furlongs").header


# ---------------------------------------------------------------- folding


def test_fused_rows_fold_into_their_conv(resnet):
    net = build("resnet18")
    by_name = {l.name: l for l in net.layers}
    consumers: dict[str, int] = {}
    for l in net.layers:
        for s in l.inputs:
            consumers[s] = consumers.get(s, 0) + 1
    # independently of the run: a batch norm right after a conv that feeds only it, and a
    # ReLU right after such a batch norm (or a conv) that feeds only it, are fused
    fused = set()
    for l in net.layers:
        src = by_name.get(l.inputs[0]) if len(l.inputs) == 1 else None
        if src is None or consumers.get(src.name) != 1:
            continue
        if l.type == "batchnorm" and src.type in ("conv", "fc"):
            fused.add(l.name)
        if l.type == "activation" and (src.type in ("conv", "fc") or src.name in fused):
            fused.add(l.name)
    rows = fold(resnet.layers, resnet.pes)
    assert len(rows) == len(net.layers) - len(fused) and fused
    assert {l.name for w in rows for l in w.layers[1:]} == fused
    assert all(w.layers[0].type in ("conv", "fc") for w in rows if len(w.layers) > 1)
    # nothing lost: the rows' energies and cycles add up to the layers'
    assert math.fsum(w.total_energy for w in rows) == pytest.approx(math.fsum(l.total_energy for l in resnet.layers), rel=1e-12)
    assert sum(w.cycles for w in rows) == sum(l.cycles for l in resnet.layers)
    assert len(fold(resnet.layers, resnet.pes, fold_fused=False)) == len(net.layers)


# ---------------------------------------------------------------- the summary


def test_summary_numbers_are_sums_of_the_layers(resnet):
    rows = fold(resnet.layers, resnet.pes)
    text = "\n".join(summary_lines(resnet, rows, EnergyFormat(resnet.energy_unit)))
    levels = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")
    total = math.fsum(l.total_energy for l in resnet.layers)
    lines = text.splitlines()
    i = next(k for k, s in enumerate(lines) if s.strip().startswith("energy by level"))
    names = lines[i].split()[3:]
    values = re.findall(r"[\d.]+(?: [kMGTP])?", lines[i + 1])
    shares = [float(s.rstrip("%")) for s in lines[i + 2].split()]
    assert names == list(levels)
    for lv, v, sh in zip(names, values, shares):
        want = math.fsum(l.energy.get(lv, 0.0) for l in resnet.layers)
        assert parse_si(v) == pytest.approx(want, rel=5e-3)
        assert sh == pytest.approx(100 * want / total, abs=0.05)
    moving = math.fsum(l.energy[k] for l in resnet.layers for k in ("RF", "NoC", "GLB", "DRAM")) / total
    assert f"{moving:.1%} of it moving data" in text
    assert f"{sum(l.macs for l in resnet.layers) / 1e9:.3g} G MACs" in text
    # the top layers: the HOT largest by (folded) energy, in order
    top = sorted(rows, key=lambda w: -w.total_energy)[:HOT]
    listed = [s.split()[1] for s in lines if re.match(r"\s+\d\s{2}\S", s)]
    assert listed == [w.name for w in top]


def test_summary_in_joules_for_a_pj_table(resnet_pj):
    rows = fold(resnet_pj.layers, resnet_pj.pes)
    text = "\n".join(summary_lines(resnet_pj, rows, EnergyFormat("pJ")))
    total_j = math.fsum(l.total_energy for l in resnet_pj.layers) * 1e-12
    m = re.search(r"energy\s+([\d.]+) (\w?J);", text)
    assert m and float(m.group(1)) * JOULE[m.group(2)] == pytest.approx(total_j, rel=5e-3)
    assert "pJ" not in text.split("\n", 2)[2].split("by data type")[0] or total_j < 1e-9


# ---------------------------------------------------------------- the table


@pytest.mark.parametrize("width", [80, 100, 120, 160, 200])
def test_table_fits_the_terminal_with_whole_names(resnet, width):
    fmt = EnergyFormat(resnet.energy_unit)
    rows = fold(resnet.layers, resnet.pes)
    cols = choose_columns(resnet, rows, width, fmt)
    lines = [t for t, _ in table_lines(resnet, rows, cols, fmt)]
    assert max(len(s) for s in lines) <= width
    assert "…" not in "\n".join(lines)
    names = [s.split()[0] if not s.split()[0].isdigit() else s.split()[1] for s in lines[2:-2]]
    assert names == [w.name for w in rows]
    keys = [c.key for c in cols]
    assert keys[:3] == ["top", "layer", "type"] and "energy" in keys
    if width >= 120:
        assert {"cycles", "util", "moving", "share"} <= set(keys)
    # the total row is the sum of the layers, not of the shown rows
    total = lines[-1].split()
    assert total[0] == "total"


def test_table_total_row_against_the_layers(resnet):
    fmt = EnergyFormat(resnet.energy_unit)
    rows = fold(resnet.layers, resnet.pes)
    cols = choose_columns(resnet, rows, 200, fmt, wanted=["layer", "macs", "cycles", "energy"])
    last = table_lines(resnet, rows, cols, fmt)[-1][0]
    _, macs, cycles, energy = re.split(r"\s{2,}", last.strip())
    assert parse_si(macs) == pytest.approx(sum(l.macs for l in resnet.layers), rel=5e-3)
    assert parse_si(cycles) == pytest.approx(sum(l.cycles for l in resnet.layers), rel=5e-3)
    assert parse_si(energy) == pytest.approx(math.fsum(l.total_energy for l in resnet.layers), rel=5e-3)


def test_cli_run_default_layers_all_columns_wide(run_cli, monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_cli("run", "resnet18", "eyeriss", "--no-color")
    assert code == 0, err
    assert out.index("energy by level") < out.index("per layer")  # the summary first
    assert max(len(s) for s in out.splitlines()) <= 80
    assert "conv+bn+act" in out and "\nlayer1.0.bn1" not in out and "layer1.0.bn1 " not in out
    assert "most energy" in out  # what the highlighting means
    net = build("resnet18")
    code, out_all, _ = run_cli("run", "resnet18", "eyeriss", "--layers", "all", "--no-color")
    for l in net.layers:
        assert re.search(rf"\s{re.escape(l.name)}\s", out_all), l.name
    code, out_c, _ = run_cli("run", "resnet18", "eyeriss", "--columns", "energy,e_dram", "--no-color")
    header = next(s for s in out_c.splitlines() if s.startswith("layer"))
    assert header.split() == ["layer", "energy", "E", "DRAM"]
    monkeypatch.setenv("COLUMNS", "120")
    code, out_w, _ = run_cli("run", "resnet18", "eyeriss", "--wide", "--no-color")
    header = next(s for s in out_w.splitlines() if s.startswith("top"))
    for k in ("MACs", "stalls", "DRAM acc", "RF acc", "E SIMD", "moving"):
        assert k in header
    code, _, err = run_cli("run", "resnet18", "eyeriss", "--columns", "energy,bogus")
    assert code == 2 and "--columns" in err and "bogus" in err and "Traceback" not in err
    code, _, err = run_cli("run", "resnet18", "eyeriss", "--quiet", "--json", tmp_path / "r.json", "--csv", tmp_path / "r.csv")
    assert code == 0 and err == ""
    code, _, err = run_cli("run", "resnet18", "eyeriss", "--json", tmp_path / "r.json", "--csv", tmp_path / "r.csv")
    assert f"wrote the JSON to {tmp_path / 'r.json'}" in err and str(tmp_path / "r.csv") in err
    assert json.loads((tmp_path / "r.json").read_text())["workload"] == "resnet18"


def test_cli_dataflow_all_comparison_first(run_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    code, out, err = run_cli("run", "squeezenet1_1", "eyeriss", "--dataflow", "all", "--no-color")
    assert code == 0, err
    assert out.lstrip().startswith("dataflows side by side") and "per layer" not in out and "--detail" in out
    rows = [s.split() for s in out.splitlines() if s.split() and s.split()[0] in ("ws", "os", "is", "rs", "nlr")]
    assert [r[0] for r in rows] == ["ws", "os", "is", "rs", "nlr"]
    code, out, err = run_cli("run", "squeezenet1_1", "eyeriss", "--dataflow", "all", "--detail", "--no-color")
    assert out.count("per layer") == 5 and out.index("dataflows side by side") < out.index("per layer")


def test_priority_keys_are_the_columns(resnet):
    from accelsim.terminal.run_view import columns

    assert set(PRIORITY) == set(columns(resnet, EnergyFormat(resnet.energy_unit)))
