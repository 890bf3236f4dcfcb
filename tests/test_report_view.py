"""What people see of a report (issue #17), read back from the figures and the page:
legends clear of the bars, no offset text, legible labels, figures that fit a 1400-pixel
page; the roofline's colours, names and bound counts against the result; network names
that do not overlap; per-layer figures bounded for a 5,000-layer network; report.html's
counts × cost arithmetic against the energy table; the energy table and the hardware's
source carried by result.json and layers.csv; `compare -H`; files for folders refused."""
from __future__ import annotations

import csv
import io
import json
import math
import re
from collections import Counter

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from accelsim.api import run
from accelsim.hardware import load_hardware
from accelsim.report.captions import STEMS, caption
from accelsim.report.figures import (
    MAX_BARS,
    MAX_WIDTH_IN,
    ROOFLINE_NAMED,
    ROOFLINE_TYPE_COLORS,
    energy_breakdown,
    latency,
    network_comparison,
    roofline,
    standard_figures,
)
from accelsim.report.html import report_html
from accelsim.report.load import result_from_dict
from accelsim.result import LayerResult, RunResult, empty_accesses

from conftest import REPO

DPI = 110  # what the report renders at (report/output.py)


@pytest.fixture(scope="module")
def googlenet():
    return run("googlenet", "eyeriss")


@pytest.fixture(scope="module")
def mobilenet():
    return run("mobilenet_v2", "edge_16x16")


def _drawn(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


@pytest.mark.parametrize("which", ["energy_layers", "energy_blocks", "latency"])
def test_per_layer_figures_read_well(googlenet, which):
    fig = {"energy_layers": lambda r: energy_breakdown(r), "energy_blocks": lambda r: energy_breakdown(r, group=True),
           "latency": latency}[which](googlenet)
    renderer = _drawn(fig)
    assert fig.get_figwidth() * DPI <= 1400 and fig.get_figwidth() <= MAX_WIDTH_IN
    for ax in fig.axes[:2]:
        box = ax.get_window_extent(renderer)
        leg = ax.get_legend()
        # the legend sits right of the axes: no bar can be under it
        assert leg is not None and leg.get_window_extent(renderer).x0 >= box.x1 - 1
        # no "1e9" offset text over the block names; the power of ten is in the label
        assert ax.yaxis.get_offset_text().get_text() == ""
        assert all(t.get_fontsize() >= 7 for t in ax.get_xticklabels() if t.get_text())
    label = fig.axes[0].get_ylabel()
    assert "10" in label and "[" in label
    # the ticks divided by the label's power of ten are the axis values
    m = re.search(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", label)
    exp = int(m.group(1).translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))) if m else 0
    ax = fig.axes[0]
    fmt = ax.yaxis.get_major_formatter()
    for v in ax.get_yticks()[1:3]:
        assert float(fmt(v, 0)) == pytest.approx(v / 10 ** exp)


def test_roofline_colours_names_and_bounds(googlenet, mobilenet):
    for r in (googlenet, mobilenet):
        fig = roofline(r)
        _drawn(fig)
        ax = fig.axes[0]
        (sc,) = [c for c in ax.collections if c.get_gid() == "layers"]
        mac = [l for l in r.layers if l.macs]
        want = []
        for l in mac:  # the layer kind from the shape, by hand
            s = l.shape
            kind = "fc" if l.type == "fc" else "grouped / depthwise conv" if s["G"] > 1 else \
                "pointwise conv (1×1)" if (s["R"], s["S"]) == (1, 1) else "conv"
            want.append(ROOFLINE_TYPE_COLORS[kind])
        from matplotlib.colors import to_hex

        assert [to_hex(c) for c in sc.get_facecolors()] == want
        names = sorted(a.get_gid()[5:] for a in ax.texts if (a.get_gid() or "").startswith("name:"))
        assert names == sorted(l.name for l in sorted(mac, key=lambda l: -l.macs)[:ROOFLINE_NAMED])
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        for kind, n in Counter(want).items():
            k = next(k for k, c in ROOFLINE_TYPE_COLORS.items() if c == kind)
            assert f"{k} ({n})" in legend
        (note,) = [t for t in ax.texts if t.get_gid() == "bound-note"]
        for k, n in Counter(l.mapping["bound_by"] for l in mac).items():
            assert f"{n} × {k}:" in note.get_text()


def test_network_names_do_not_overlap():
    results = [run(n, "eyeriss") for n in ("alexnet", "squeezenet1_0", "squeezenet1_1", "resnet18", "shufflenet_v2_x1_0")]
    results += [run(n, "edge_16x16") for n in ("squeezenet1_0", "squeezenet1_1")]
    fig = network_comparison(results[:5])
    renderer = _drawn(fig)
    for ax in fig.axes[:2]:
        labels = [t for t in ax.texts if (t.get_gid() or "").startswith("label:")]
        assert sorted(t.get_text() for t in labels) == sorted(r.workload for r in results[:5])
        boxes = [t.get_window_extent(renderer) for t in labels]
        for i in range(len(boxes)):
            for j in range(i):
                a, b = boxes[i], boxes[j]
                assert a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0, (labels[i].get_text(), labels[j].get_text())
    two = network_comparison(results[5:] + results[1:3])  # two configs: a colour each, named in a legend
    _drawn(two)
    assert {t.get_text() for t in two.axes[1].get_legend().get_texts()} == {"eyeriss", "edge_16x16"}


def _chain(n: int) -> RunResult:
    """A result of n conv layers with unique names (no engine run: the figures only draw it)."""
    layers = []
    for i in range(n):
        acc = empty_accesses()
        acc["DRAM"]["weight"]["reads"] = 10 + i % 7
        e = {"MAC": 100.0 + i % 13, "RF": 50.0, "NoC": 5.0, "GLB": 3.0, "DRAM": 2000.0 + i % 11, "SIMD": 0.0}
        layers.append(LayerResult(f"l{i}", "conv", {"N": 1, "M": 8, "C": 8, "H": 8, "W": 8, "R": 3, "S": 3, "E": 8, "F": 8,
                                                   "U": 1, "G": 1}, 1000 + i, 0, 100, 10, 0.5, acc, e,
                                  {"weight": 1000.0, "ifmap": 500.0, "psum": 300.0, "ofmap": 200.0},
                                  {"bound_by": "compute"}))
    return RunResult("chain", "eyeriss", "rs", 1, "energy", "pJ", 168, 200.0, tuple(layers), dram_bytes_per_cycle=2.4,
                     word_bits={"weight": 16, "ifmap": 16, "psum": 16, "ofmap": 16})


def test_per_layer_figures_are_bounded_for_5000_layers():
    r = _chain(5000)
    figs = standard_figures(r)
    assert "energy_layers" not in figs and {"energy_top", "energy_blocks", "latency"} <= set(figs)
    for stem in ("energy_top", "energy_blocks", "latency"):
        bars = len(figs[stem].axes[0].containers[0].patches)
        assert bars <= MAX_BARS, (stem, bars)
    top = figs["energy_top"].accelsim_labels
    by_e = sorted(r.layers, key=lambda l: -l.total_energy)[:60]
    assert sorted(top) == sorted(l.name for l in by_e) and top == [l.name for l in r.layers if l.name in set(top)]
    # blocks cover every layer once, in order
    blocks = figs["energy_blocks"].accelsim_labels
    assert blocks[0].startswith("l0–") and blocks[-1].endswith("l4999")
    heights = [p.get_height() for c in figs["energy_blocks"].axes[0].containers for p in c.patches]
    assert math.fsum(heights) == pytest.approx(math.fsum(l.total_energy for l in r.layers), rel=1e-9)


def test_report_explains_the_arithmetic_with_the_energy_table(googlenet):
    html = report_html(googlenet, {})
    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    big = max((l for l in googlenet.layers if l.macs), key=lambda l: l.total_energy)
    assert f"<b>{big.name}</b>" in html
    rows = re.findall(r"<tr><td class=\"l\">(MAC|RF|NoC|GLB|DRAM)</td><td>([\d,]+) \w+</td><td>([^<]+)</td>"
                      r"<td>([^<]+)</td><td>([^<]+)</td>", html)
    assert [r[0] for r in rows] == ["MAC", "RF", "NoC", "GLB", "DRAM"]
    table_cost = {"MAC": spec.energy.costs["mac"], "RF": spec.energy.costs["rf_read"], "NoC": spec.energy.costs["noc_transfer"],
                  "GLB": spec.energy.costs["fmap_glb_read"], "DRAM": spec.energy.costs["dram_read"]}
    for lv, count, per_mac, cost, energy in rows:
        n = int(count.replace(",", ""))
        want_n = big.macs if lv == "MAC" else big.level_accesses(lv)
        assert n == want_n
        assert float(per_mac) == pytest.approx(n / big.macs, rel=5e-3)
        assert float(cost) == pytest.approx(table_cost[lv])  # Eyeriss: one cost per level
        assert float(energy) == pytest.approx(n * table_cost[lv], rel=1e-5)  # count × cost
    # the energy table: every cost with its unit and source; the hardware's source
    for action, c in spec.energy.costs.items():
        assert f"<code>{action}</code></td><td>{c:.4g}</td>" in html
    assert spec.energy.sources["dram_read"].replace("'", "&#x27;") in html
    assert "JSSC 52(1) 2017" in html
    # a caption that says how to read each figure
    for stem in STEMS:
        title, text = caption(stem)
        assert len(text) > 150 and "Read it" in text, stem


def test_result_json_and_csv_carry_the_energy_table(mobilenet, tmp_path):
    spec = load_hardware(REPO / "hw_configs" / "edge_16x16.yaml")
    d = mobilenet.to_dict()
    got = {c["action"]: (c["cost"], c["unit"], c["source"]) for c in d["energy_table"]["costs"]}
    assert got == {a: (c, spec.energy.unit, spec.energy.sources[a]) for a, c in spec.energy.costs.items()}
    assert d["hardware_source"] == spec.source and d["energy_table"]["table"] == spec.energy.name
    assert result_from_dict(json.loads(json.dumps(d))).to_dict() == d
    text = mobilenet.to_csv()
    rows = list(csv.reader(io.StringIO(text)))
    body = [r for r in rows if not r[0].startswith("#")]
    assert len(body) == 1 + len(mobilenet.layers)
    costs = {r[0][2:]: float(r[1]) for r in rows if r[0].startswith("# ") and len(r) == 4}
    assert costs == dict(spec.energy.costs)


def test_compare_several_configs(run_cli, tmp_path):
    code, out, err = run_cli("compare", "alexnet", "squeezenet1_1", "-H", "eyeriss", "-H", "edge_16x16", "--json", "--quiet")
    assert code == 0, err
    d = json.loads(out)
    assert [(r["workload"], r["hardware"]) for r in d["networks"]] == [
        ("alexnet", "eyeriss"), ("squeezenet1_1", "eyeriss"), ("alexnet", "edge_16x16"), ("squeezenet1_1", "edge_16x16")]
    for row in d["networks"]:
        r = run(row["workload"], row["hardware"])
        assert row["energy"] == pytest.approx(math.fsum(l.total_energy for l in r.layers), rel=1e-12)
    code, out, err = run_cli("compare", "alexnet", "squeezenet1_1", "-H", "eyeriss", "-H", "edge_16x16",
                             "--out", tmp_path / "c", "--no-color")
    assert code == 0 and "hardware" in out and "edge_16x16" in out and str(tmp_path / "c") in err
    # two energy units: one figure each
    assert {p.name for p in (tmp_path / "c").iterdir()} == {"compare_eyeriss.png", "compare_eyeriss.svg",
                                                            "compare_edge_16x16.png", "compare_edge_16x16.svg"}


def test_files_for_folders_and_back_are_one_paragraph_errors(run_cli, tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    for argv, what in (
        (("compare", "alexnet", "eyeriss", "--out", f), "must be a folder"),
        (("compare", "alexnet", "eyeriss", "--out", f / "sub"), "is a file"),
        (("plot", tmp_path), "a folder"),
        (("plot", REPO / "tests" / "data" / "plugins" / "tiny.yaml", "--out", f), "must be a folder"),
    ):
        code, out, err = run_cli(*argv)
        assert code == 2 and what in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, (argv, err)
    assert f.read_text() == "x"
