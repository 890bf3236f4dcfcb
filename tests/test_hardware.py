"""Hardware configs and energy tables (issue 4).

- every shipped config loads, and its derived figures equal values computed by hand here
  from the papers' numbers;
- an energy table applied to a known count vector gives the hand-computed sum;
- every kind of bad input gives one AccelsimError naming the file and the field, with
  what was expected and what was found.
"""
from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from accelsim.errors import AccelsimError
from accelsim.hardware import (
    DATA_TYPES,
    NORMALIZED,
    PJ,
    derived,
    describe,
    hardware_from_dict,
    load_hardware,
    parse_size_bytes,
)
from accelsim.hardware.energy import int_add_pj, int_mult_pj, loglog, sram_pj
from accelsim.errors import Where

REPO = Path(__file__).resolve().parent.parent
HW = REPO / "hw_configs"
KiB, MiB, GiB = 1024, 1024**2, 1024**3

SHIPPED = ["eyeriss", "tpu_v1", "shidiannao", "scalesim_32x32", "edge_16x16"]


def approx(x: float) -> Any:
    return pytest.approx(x, rel=1e-12)


# ---------------------------------------------------------------- shipped configs


def test_all_shipped_configs_are_tested() -> None:
    assert sorted(p.stem for p in HW.glob("*.yaml")) == sorted(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_config_loads_and_describes(name: str) -> None:
    spec = load_hardware(HW / f"{name}.yaml")
    assert spec.name == name
    assert spec.description and "\n" not in spec.description
    assert spec.dataflow in spec.dataflows
    for t in DATA_TYPES:  # every data type has a home, or an explicit bypass
        assert spec.glb_for(t) is not None or t in spec.glb_bypass
    assert set(spec.actions) <= set(spec.energy.costs)
    text = describe(spec)
    assert spec.energy.unit in text and "ridge point" in text
    json.dumps(derived(spec))  # JSON-ready
    json.dumps(spec.to_dict())


def test_eyeriss_derived() -> None:
    """JSSC'17: 12x14 PEs (SIII-A), 200 MHz and 33.6 GMAC/s peak (SVI), spads 12/224/24 x 16b
    (SIV-A), GLB 100 kB + 8 kB (SV-A), DRAM 64-bit bus at the 60 MHz link clock."""
    spec = load_hardware(HW / "eyeriss.yaml")
    d = derived(spec)
    assert (spec.array.rows, spec.array.cols, spec.array.kind) == (12, 14, "spatial")
    assert d["peak_macs_per_cycle"] == 12 * 14 == 168
    assert d["peak_gmacs"] == approx(168 * 200e6 / 1e9) == approx(33.6)
    assert d["peak_gops"] == approx(2 * 33.6)
    assert d["rf_bytes_per_pe"] == (12 + 224 + 24) * 16 // 8 == 520
    assert d["onchip_bytes"]["RF"] == 520 * 168
    assert d["glb_bytes"] == {"fmap_glb": 100 * KiB, "filter_glb": 8 * KiB}
    assert d["onchip_bytes"]["GLB"] == 108 * KiB
    bus = 64 / 8 * 60e6  # bytes/s
    assert d["dram_GBps"] == approx(bus / 1e9) == approx(0.48)
    assert d["dram_bytes_per_cycle"] == approx(bus / 200e6) == approx(2.4)
    assert d["dram_bytes_per_mac_at_peak"] == approx(2.4 / 168)
    assert d["ridge_macs_per_byte"] == approx(168 / 2.4) == approx(70.0)
    assert d["ridge_ops_per_byte"] == approx(140.0)
    assert spec.rf is not None and dict(spec.rf.split or {}) == {"weight": 224, "ifmap": 12, "psum": 24}
    assert spec.rf.capacity("weight") == 224 and spec.rf.capacity("ofmap") == 0
    assert spec.glb_for("weight").name == "filter_glb"
    assert spec.glb_for("psum").name == "fmap_glb"
    assert spec.dataflow == "rs" and spec.dataflows == ("ws", "os", "is", "rs", "nlr")
    assert dict(spec.word_bits) == {t: 16 for t in DATA_TYPES}
    assert spec.energy.unit == NORMALIZED == "normalized to one MAC (Eyeriss)"
    assert dict(spec.energy.costs) == {
        "mac": 1, "rf_read": 1, "rf_write": 1, "noc_transfer": 2,
        "fmap_glb_read": 6, "fmap_glb_write": 6, "filter_glb_read": 6, "filter_glb_write": 6,
        "dram_read": 200, "dram_write": 200, "simd_op": 1,
    }


def test_tpu_v1_derived() -> None:
    """Jouppi et al. ISCA'17 S2: 256x256 8-bit MACs at 700 MHz (92 TOPS), 4 MiB of 32-bit
    accumulators = 4096 x 256 x 32 b, 24 MiB unified buffer, 4-tile weight FIFO of 64 KiB
    tiles, 34 GB/s weight memory; roofline knee ~1350 MAC ops per weight byte."""
    spec = load_hardware(HW / "tpu_v1.yaml")
    d = derived(spec)
    assert (spec.array.rows, spec.array.cols, spec.array.kind, spec.dataflow) == (256, 256, "systolic", "ws")
    assert d["peak_macs_per_cycle"] == 256 * 256 == 65536
    assert d["peak_gmacs"] == approx(65536 * 700e6 / 1e9)
    assert d["peak_gops"] == approx(2 * 65536 * 700e6 / 1e9)
    assert round(d["peak_gops"] / 1000) == 92  # "92 TOPS"
    assert dict(spec.word_bits) == {"weight": 8, "ifmap": 8, "psum": 32, "ofmap": 8}
    assert d["glb_bytes"] == {
        "weight_fifo": 4 * 256 * 256,
        "accumulators": 4096 * 256 * 32 // 8,
        "unified_buffer": 24 * MiB,
    }
    assert d["glb_bytes"]["accumulators"] == 4 * MiB
    assert spec.glb("accumulators").capacity("psum") == 4096 * 256
    assert spec.glb_for("psum").name == "accumulators"
    assert spec.glb_for("ifmap").name == spec.glb_for("ofmap").name == "unified_buffer"
    assert spec.rf is not None and spec.rf.capacity("weight") == 2 and spec.rf.usable("weight") == 1
    assert d["rf_bytes_per_pe"] == 2 * 1 + 1 * 1 + 1 * 4
    assert d["dram_bytes_per_cycle"] == approx(34e9 / 700e6)
    assert d["dram_bytes_per_mac_at_peak"] == approx(34e9 / 700e6 / 65536)
    assert d["ridge_macs_per_byte"] == approx(65536 * 700e6 / 34e9)
    assert abs(d["ridge_macs_per_byte"] - 1350) / 1350 < 0.001  # Jouppi's ~1350
    assert spec.dataflows == ("ws", "os", "is")
    assert spec.energy.unit == PJ


def test_shidiannao_derived() -> None:
    """Du et al. ISCA'15: 8x8 PEs, 1 GHz, 16-bit, NBin 64 KB, NBout 64 KB, SB 128 KB;
    a nominal 4 GB/s DRAM (the paper has none)."""
    spec = load_hardware(HW / "shidiannao.yaml")
    d = derived(spec)
    assert (spec.array.rows, spec.array.cols, spec.dataflow) == (8, 8, "os")
    assert d["peak_macs_per_cycle"] == 64
    assert d["peak_gmacs"] == approx(64 * 1e9 / 1e9)
    assert d["peak_gops"] == approx(128.0)
    assert d["glb_bytes"] == {"nbin": 64 * KiB, "nbout": 64 * KiB, "sb": 128 * KiB}
    assert d["onchip_bytes"]["GLB"] == 256 * KiB
    assert spec.glb_for("weight").name == "sb" and spec.glb_for("psum").name == "nbout"
    assert d["dram_bytes_per_cycle"] == approx(4e9 / 1e9)
    assert d["ridge_macs_per_byte"] == approx(64 / 4)


def test_scalesim_derived() -> None:
    """SCALE-Sim scale.cfg: 32x32, ws, 64/64/64 kB SRAMs of 1-byte words (kB = 1024 words),
    double-buffered (half active, half prefetch)."""
    spec = load_hardware(HW / "scalesim_32x32.yaml")
    d = derived(spec)
    assert (spec.array.rows, spec.array.cols, spec.array.kind, spec.dataflow) == (32, 32, "systolic", "ws")
    assert d["peak_macs_per_cycle"] == 1024
    assert d["glb_bytes"] == {"ifmap_sram": 64 * 1024, "filter_sram": 64 * 1024, "ofmap_sram": 64 * 1024}
    for g in spec.glbs:
        t = g.holds[-1]
        assert g.capacity(t) == 65536 and g.usable(t) == 32768
    assert dict(spec.word_bits) == {t: 8 for t in DATA_TYPES}
    assert spec.glb_for("psum").name == "ofmap_sram"
    assert d["dram_bytes_per_cycle"] == approx(10 + 10 + 32)  # read 2 x Bandwidth, write ArrayWidth
    assert d["peak_gmacs"] == approx(1024 * 1000e6 / 1e9)


def test_edge_derived() -> None:
    spec = load_hardware(HW / "edge_16x16.yaml")
    d = derived(spec)
    assert d["peak_macs_per_cycle"] == 256
    assert d["peak_gmacs"] == approx(256 * 500e6 / 1e9) == approx(128.0)
    assert d["glb_bytes"] == {"glb": 512 * KiB}
    assert d["rf_bytes_per_pe"] == 64 * 8 // 8 + 16 * 8 // 8 + 16 * 32 // 8
    assert d["dram_bytes_per_cycle"] == approx(6.4e9 / 500e6) == approx(12.8)
    assert d["dram_bytes_per_mac_at_peak"] == approx(12.8 / 256)
    g = spec.glb("glb")
    assert g.capacity("psum") == 512 * KiB // 4 and g.usable("weight") == 256 * KiB
    assert g.elements_per_cycle("psum") == approx(64 / 4)
    assert spec.dataflows == ("ws", "os", "is", "rs", "nlr")


# ---------------------------------------------------------------- energy tables


def test_eyeriss_table_on_a_known_count_vector() -> None:
    e = load_hardware(HW / "eyeriss.yaml").energy
    counts = {
        "mac": 1000, "rf_read": 3000, "rf_write": 1000, "noc_transfer": 500,
        "fmap_glb_read": 100, "fmap_glb_write": 50, "filter_glb_read": 20, "filter_glb_write": 0,
        "dram_read": 10, "dram_write": 5, "simd_op": 7,
    }
    per = e.energy(counts)
    assert per == {
        "mac": 1000 * 1, "rf_read": 3000 * 1, "rf_write": 1000 * 1, "noc_transfer": 500 * 2,
        "fmap_glb_read": 100 * 6, "fmap_glb_write": 50 * 6, "filter_glb_read": 20 * 6, "filter_glb_write": 0,
        "dram_read": 10 * 200, "dram_write": 5 * 200, "simd_op": 7 * 1,
    }
    assert e.total(counts) == 1000 + 3000 + 1000 + 1000 + 600 + 300 + 120 + 0 + 2000 + 1000 + 7 == 10027
    assert e.by_level(counts) == {"MAC": 1000, "RF": 4000, "NoC": 1000, "GLB": 1020, "DRAM": 3000, "SIMD": 7}
    # a per-data-type count falls back to the action's cost
    assert e.energy({"fmap_glb_read.psum": 10}) == {"fmap_glb_read.psum": 60}


def test_energy_table_rejects_an_action_with_no_cost() -> None:
    e = load_hardware(HW / "eyeriss.yaml").energy
    with pytest.raises(AccelsimError) as ei:
        e.energy({"mac": 1, "glb_reed": 3})
    msg = str(ei.value)
    assert "no cost for action 'glb_reed'" in msg and "energy" in msg and "Expected one of mac" in msg
    with pytest.raises(TypeError):
        e.energy({"mac": 1.5})  # type: ignore[dict-item]


def test_horowitz_model_hand_computed() -> None:
    # anchors (PUBLISHED.md S2) are reproduced, and 16 bits is the log midpoint of 8 and 32
    assert int_add_pj(8) == approx(0.03) and int_add_pj(16) == approx(0.05) and int_add_pj(32) == approx(0.1)
    assert int_mult_pj(8) == approx(0.2) and int_mult_pj(32) == approx(3.1)
    assert int_mult_pj(16) == approx(0.2 * math.sqrt(3.1 / 0.2))
    assert sram_pj(8 * KiB, 64) == approx(10) and sram_pj(32 * KiB, 64) == approx(20)
    assert sram_pj(1 * MiB, 64) == approx(100)
    assert sram_pj(16 * KiB, 64) == approx(10 * math.sqrt(2))  # slope 1/2 between 8 and 32 KB
    assert sram_pj(64 * KiB, 8) == approx(20 * 5 ** (1 / 5) * 8 / 64)  # 64 KiB = 32 KiB x 32^(1/5)
    assert loglog([(1, 1), (10, 10)], 100) == approx(100)  # extrapolates with the end slope


def test_horowitz_table_on_tpu() -> None:
    spec = load_hardware(HW / "tpu_v1.yaml")
    e = spec.energy
    assert e.unit == "pJ"
    assert e.cost("mac") == approx(0.2 + 0.1)  # 8b mult + 32b add
    assert e.cost("dram_read") == approx(640 / 32 * 8)
    assert e.cost("dram_read.psum") == approx(640.0)
    assert e.cost("dram_read.weight") == approx(160.0)  # falls back to the 8-bit entry
    assert e.cost("unified_buffer_read") == approx(100 * 8 / 64)  # 1 MiB banks
    assert e.cost("accumulators_write") == approx(100 * 32 / 64)
    assert e.cost("weight_fifo_read") == approx(sram_pj(256 * KiB, 8))
    counts = {"mac": 10, "dram_read": 2, "dram_write.psum": 1, "unified_buffer_read": 4}
    assert e.total(counts) == approx(10 * 0.3 + 2 * 160 + 1 * 640 + 4 * 12.5)
    assert all(src for src in e.sources.values())


GOOD: dict[str, Any] = {
    "name": "tiny",
    "description": "a tiny test accelerator",
    "clock_mhz": 100,
    "dataflow": "ws",
    "word_bits": 16,
    "array": {"rows": 4, "cols": 4, "kind": "systolic"},
    "rf": {"split": {"weight": 1, "ifmap": 1, "psum": 1}},
    "glbs": [
        {"name": "act", "holds": ["ifmap", "psum", "ofmap"], "size": "8 KiB", "bw": 4},
        {"name": "wgt", "holds": ["weight"], "size_words": 1024, "read_bw": 4, "write_bw": 2},
    ],
    "dram": {"bw": 2},
    "simd": {"lanes": 4},
    "energy": "eyeriss",
}


def write(tmp_path: Path, data: Any, name: str = "hw.yaml") -> Path:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return p


def test_minimal_config(tmp_path: Path) -> None:
    spec = load_hardware(write(tmp_path, GOOD))
    assert spec.glb("act").size_bits == 8 * KiB * 8
    assert spec.glb("wgt").size_bits == 1024 * 16
    assert spec.noc.kind == "forwarding" and dict(spec.noc.bw)["ifmap"] == 4  # edges by default
    assert spec.dram.bytes_per_cycle == approx(2 * 2)  # 2 shared words of 16 bits
    assert spec.glb("wgt").shared_bw is False and spec.glb("act").shared_bw is True
    assert spec.actions == (
        "mac", "rf_read", "rf_write", "noc_transfer", "act_read", "act_write", "wgt_read", "wgt_write",
        "dram_read", "dram_write", "simd_op",
    )


def test_user_tables(tmp_path: Path) -> None:
    costs = {"mac": 0.5, "rf_read": 0.25, "rf_write": 0.25, "noc_transfer": 1, "glb_read": 3, "glb_write": 4,
             "wgt_read": 2, "dram_read": 100, "dram_write": 120, "simd_op": 0.1}
    inline = dict(GOOD, energy={"unit": "pJ", "costs": costs})
    e = load_hardware(write(tmp_path, inline)).energy
    assert e.unit == "pJ" and e.name == "custom"
    assert e.cost("act_read") == 3 and e.cost("act_write") == 4  # the glb default
    assert e.cost("wgt_read") == 2 and e.cost("wgt_write") == 4  # own entry wins over the default
    assert "glb_read" not in e.costs
    # the same table from a file next to the config
    (tmp_path / "tables").mkdir()
    write(tmp_path / "tables", {"unit": "pJ", "costs": costs}, "mine.yaml")
    e2 = load_hardware(write(tmp_path, dict(GOOD, energy={"file": "tables/mine.yaml"}))).energy
    assert dict(e2.costs) == dict(e.costs) and e2.file.endswith("mine.yaml")
    # a built-in with overrides
    e3 = load_hardware(write(tmp_path, dict(GOOD, energy={"table": "eyeriss", "costs": {"dram_read": 150}}))).energy
    assert e3.cost("dram_read") == 150 and e3.cost("dram_write") == 200 and e3.unit == NORMALIZED
    e4 = load_hardware(write(tmp_path, dict(GOOD, energy={"table": "horowitz45"}))).energy
    assert e4.name == "horowitz45" and e4.unit == PJ


def test_overrides_replace_per_type_refinements() -> None:
    data = yaml.safe_load((HW / "tpu_v1.yaml").read_text())
    data["energy"] = {"table": "horowitz45", "costs": {"dram_read.psum": 500, "dram_read": 100}}
    e = hardware_from_dict(data, "tpu.yaml").energy
    assert e.cost("dram_read") == 100 and e.cost("dram_read.psum") == 500  # the user's refinement stays
    assert "dram_write.psum" in e.costs and e.cost("dram_write.psum") == approx(640)
    data["energy"] = {"table": "horowitz45", "costs": {"dram_write": 100}}
    e = hardware_from_dict(data, "tpu.yaml").energy
    assert e.cost("dram_write.psum") == 100  # the built-in 32-bit refinement went with it


def test_nlr_needs_no_rf(tmp_path: Path) -> None:
    data = copy.deepcopy(GOOD)
    data["array"]["kind"] = "spatial"
    data["dataflow"] = "nlr"
    del data["rf"]
    spec = load_hardware(write(tmp_path, data))
    assert spec.rf is None and spec.dataflows == ("nlr",)
    assert "rf_read" not in spec.actions
    with pytest.raises(AccelsimError, match="needs|keeps weight"):
        spec.check_dataflow("ws")


def test_sizes() -> None:
    at = Where("f.yaml", "size")
    assert parse_size_bytes("108 KiB", at) == 108 * 1024
    assert parse_size_bytes("108 kB", at) == 108 * 1024  # KB = KiB = 1024 B, as SCALE-Sim
    assert parse_size_bytes("4MiB", at) == 4 * MiB
    assert parse_size_bytes("1.5 KB", at) == 1536
    assert parse_size_bytes("8 GiB", at) == 8 * GiB
    assert parse_size_bytes(520, at) == 520


# ---------------------------------------------------------------- bad input


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    for k in keys[:-1]:
        data = data[int(k)] if isinstance(data, list) else data[k]
    if value is _DEL:
        del data[keys[-1]]
    else:
        data[keys[-1]] = value


_DEL = object()

BAD: dict[str, tuple[list[tuple[str, Any]], list[str]]] = {
    # case: ([(dotted path, new value or _DEL)], fragments the message must contain)
    "unknown top key": (
        [("dataflw", "ws")],
        ["unknown key 'dataflw'", "did you mean 'dataflow'", "Expected one of", "found 'dataflw'"],
    ),
    "unknown glb key": (
        [("glbs.0.bankz", 4)],
        ["glbs, 'act'", "unknown key 'bankz'", "did you mean 'banks'"],
    ),
    "missing clock": ([("clock_mhz", _DEL)], ["missing required key 'clock_mhz'"]),
    "missing glb size": ([("glbs.1.size_words", _DEL)], ["glbs, 'wgt'", "missing required key 'size'"]),
    "missing glb bandwidth": ([("glbs.0.bw", _DEL)], ["glbs, 'act'", "missing required key 'bw'"]),
    "missing simd lanes": ([("simd", {"ops_per_lane_per_cycle": 2})], ["simd", "missing required key 'lanes'"]),
    "zero size": ([("glbs.0.size", 0)], ["glbs, 'act', size", "Expected a size > 0", "found 0"]),
    "negative size string": ([("glbs.0.size", "-8 KiB")], ["glbs, 'act', size", "not a size", "found '-8 KiB'"]),
    "bad size unit": ([("glbs.0.size", "8 KiBs")], ["glbs, 'act', size", "KB = KiB = 1024 B", "found '8 KiBs'"]),
    "zero size_words": ([("glbs.1.size_words", 0)], ["glbs, 'wgt', size_words", "Expected an integer >= 1", "found 0"]),
    "zero rows": ([("array.rows", 0)], ["array, rows", "Expected an integer >= 1", "found 0"]),
    "zero spad": ([("rf.split.weight", 0)], ["rf, split, weight", "Expected an integer >= 1", "found 0"]),
    "negative bandwidth": ([("dram.bw", -1)], ["dram, bw", "Expected a number > 0", "found -1"]),
    "zero clock": ([("clock_mhz", 0)], ["clock_mhz", "Expected a number > 0", "found 0"]),
    "rf split does not add up": (
        [("rf.size_words", 4)],
        ["rf, split", "the RF split does not add up to size_words", "summing to size_words = 4",
         "found '1 weight + 1 ifmap + 1 psum = 3'"],
    ),
    "rf split does not add up in bytes": (
        [("rf.size", "8 B")],
        ["rf, split", "does not add up to size", "totalling 8 B", "= 6 B"],
    ),
    "systolic cannot run rs": (
        [("dataflow", "rs")],
        ["dataflow", "a systolic array cannot run dataflow 'rs'", "Expected one of ws, os, is", "found 'rs'"],
    ),
    "unknown dataflow": ([("dataflow", "wss")], ["dataflow", "unknown value 'wss'", "did you mean 'ws'"]),
    "rf without the stationary type": (
        [("rf.split", {"ifmap": 1, "psum": 1})],
        ["dataflow", "keeps weight in each PE's RF", "does not hold weight", "found 'an RF holding ifmap, psum'"],
    ),
    "ws without rf": ([("rf", _DEL)], ["dataflow", "no 'rf'", "only nlr runs without one"]),
    "systolic with multicast noc": (
        [("noc", {"kind": "multicast"})],
        ["noc, kind", "a systolic array cannot use a 'multicast' NoC", "Expected one of forwarding"],
    ),
    "no glb holds weight": (
        [("glbs.1.holds", ["ofmap"])],
        ["glbs", "no global buffer holds 'weight'", "glb_bypass", "found 'buffers holding act"],
    ),
    "bypass of a held type": (
        [("glb_bypass", ["psum"])],
        ["glb_bypass", "'psum' is declared to bypass", "'act' holds it"],
    ),
    "unknown data type": (
        [("glbs.0.holds", ["ifmap", "psums", "ofmap"])],
        ["glbs, 'act', holds", "unknown data type 'psums'", "did you mean 'psum'"],
    ),
    "duplicate glb name": ([("glbs.1.name", "act")], ["name", "two global buffers with the same name"]),
    "reserved glb name": ([("glbs.1.name", "dram")], ["glbs, 'dram', name", "not a usable buffer name"]),
    "unknown energy table": (
        [("energy", "eyeris")],
        ["energy", "unknown value 'eyeris'", "did you mean 'eyeriss'", "Expected one of eyeriss, horowitz45"],
    ),
    "energy table missing an action": (
        [("energy", {"unit": "pJ", "costs": {"mac": 1, "rf_read": 1, "rf_write": 1, "noc_transfer": 1,
                                              "glb_read": 1, "glb_write": 1, "dram_read": 1, "simd_op": 1}})],
        ["energy", "no cost for action 'dram_write'", "Expected a cost for every action this config needs: mac",
         "found 'costs for mac"],
    ),
    "energy table missing a buffer": (
        [("energy", {"unit": "pJ", "costs": {"mac": 1, "rf_read": 1, "rf_write": 1, "noc_transfer": 1,
                                              "act_read": 1, "act_write": 1, "dram_read": 1, "dram_write": 1,
                                              "simd_op": 1}})],
        ["energy", "no cost for actions 'wgt_read', 'wgt_write'"],
    ),
    "energy table with a misspelt action": (
        [("energy", {"unit": "pJ", "costs": {"mac": 1, "dram_reed": 1}})],
        ["energy, costs", "unknown action 'dram_reed'", "did you mean 'dram_read'"],
    ),
    "energy table without unit": (
        [("energy", {"costs": {"mac": 1}})],
        ["energy", "missing required key 'unit'"],
    ),
    "negative energy cost": (
        [("energy", {"table": "eyeriss", "costs": {"mac": -1}})],
        ["energy, costs, mac", "Expected a number >= 0", "found -1"],
    ),
    "overrides in another unit": (
        [("energy", {"table": "eyeriss", "unit": "pJ", "costs": {"mac": 2}})],
        ["energy, unit", "the unit of table 'eyeriss'", "found 'pJ'"],
    ),
    "word_bits missing a type": (
        [("word_bits", {"weight": 8, "ifmap": 8, "psum": 32})],
        ["word_bits", "missing required key 'ofmap'"],
    ),
    "size and size_words": ([("glbs.1.size", "2 KiB")], ["glbs, 'wgt'", "either 'size' or 'size_words'"]),
    "bw and read_bw": ([("glbs.0.read_bw", 2)], ["glbs, 'act'", "either 'bw'"]),
    "double-buffering a type not held": (
        [("glbs.1.double_buffered", ["ifmap"])],
        ["glbs, 'wgt', double_buffered", "'ifmap' is not held here"],
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input(case: str, tmp_path: Path) -> None:
    edits, fragments = BAD[case]
    data = copy.deepcopy(GOOD)
    for path, value in edits:
        _set(data, path, value)
    p = write(tmp_path, data)
    with pytest.raises(AccelsimError) as ei:
        load_hardware(p)
    msg = str(ei.value)
    assert msg.startswith(str(p) + ": "), msg  # names the file
    for frag in fragments:
        assert frag in msg, f"{frag!r} not in {msg!r}"


def test_bad_input_in_an_energy_file_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, {"unit": "pJ", "costs": {"mac": 1, "rf_raed": 2}}, "table.yaml")
    p = write(tmp_path, dict(GOOD, energy={"file": "table.yaml"}))
    with pytest.raises(AccelsimError) as ei:
        load_hardware(p)
    msg = str(ei.value)
    assert msg.startswith(str(tmp_path / "table.yaml") + ": costs")
    assert "unknown action 'rf_raed'" in msg and "did you mean 'rf_read'" in msg
    p = write(tmp_path, dict(GOOD, energy={"file": "nowhere.yaml"}))
    with pytest.raises(AccelsimError, match="nowhere.yaml: no such file"):
        load_hardware(p)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    p = write(tmp_path, "name: x\narray: {rows: 4, cols: [\n")
    with pytest.raises(AccelsimError, match=r"hw\.yaml: YAML syntax error at line"):
        load_hardware(p)


def test_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(AccelsimError, match="Expected a mapping"):
        hardware_from_dict(["a", "list"], "x.yaml")


def test_cli_hw_show(run_cli, tmp_path: Path) -> None:
    code, out, err = run_cli("hw", "show", HW / "eyeriss.yaml")
    assert code == 0 and "33.6 GMAC/s" in out and "normalized to one MAC" in out
    data = copy.deepcopy(GOOD)
    data["dataflow"] = "rs"
    code, out, err = run_cli("hw", "show", write(tmp_path, data))
    assert code != 0 and "cannot run dataflow 'rs'" in err and "Traceback" not in err
