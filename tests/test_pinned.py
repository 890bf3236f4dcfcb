"""Mappings pinned in YAML: used as given, and checked like the mapper's own."""
from __future__ import annotations

import json

import pytest


PIN = """\
conv1:
  glb_tile: {M: 8, E: 7}
  dram_order: NGMEFC
  spatial: {R: 11, E: 14}
  rf: {F: 55, S: 11, M: 8}
"""


def test_pinned_mapping_is_used(tmp_path, run_cli):
    pin = tmp_path / "pin.yaml"
    pin.write_text(PIN)
    out = tmp_path / "r.json"
    code, _, err = run_cli("run", "alexnet", "eyeriss", "--mapping", pin, "--quiet", "--json", out)
    assert code == 0, err
    conv1 = json.loads(out.read_text())["layers"][0]
    m = conv1["mapping"]
    assert m["chosen_by"] == "pinned"
    assert m["glb_tile"] == "N1 G1 M8 C3 E7 F55"  # dims left out are whole
    assert m["pe_rows"].startswith("R11") and m["pe_cols"] == "E14"
    assert m["rf_loops"] == "N1 > F55 > C1 > S11 > M8"
    # Eyeriss runs AlexNet CONV1 on 11 x 14 = 154 PEs (JSSC'17, Table V: 154 active PEs)
    assert conv1["macs"] == 105_415_200 and conv1["cycles"] >= 105_415_200 // 154


@pytest.mark.parametrize(
    "text, fragments",
    [
        (PIN.replace("M: 8, E: 7", "M: 48, E: 28"), ["glb_tile", "does not fit the global buffer 'fmap_glb'", "at most 102,400 bytes"]),
        (PIN.replace("M: 8}", "M: 30}"), ["layer 'conv1', rf", "do not fit its RF"]),
        (PIN.replace("R: 11, E: 14", "R: 11, E: 15"), ["spatial", "need 15 PEs", "at most 14"]),
        (PIN.replace("R: 11, E: 14", "R: 11, Q: 14"), ["spatial", "'Q' is not a dim"]),
        (PIN.replace("dram_order: NGMEFC", "dram_order: NGMEF"), ["dram_order", "a permutation of NGMCEF"]),
        (PIN.replace("conv1:", "conv9:"), ["no layer 'conv9'", "did you mean 'conv5'"]),
        (PIN.replace("  rf:", "  rff:"), ["unknown key 'rff'", "did you mean 'rf'"]),
    ],
)
def test_bad_pinned_mapping(text, fragments, tmp_path, run_cli):
    pin = tmp_path / "pin.yaml"
    pin.write_text(text)
    code, out, err = run_cli("run", "alexnet", "eyeriss", "--mapping", pin, "--quiet")
    assert code == 2 and "Traceback" not in err and str(pin) in err
    for f in fragments:
        assert f in err, (f, err)


def test_pinned_rf_loops_split_a_dim_and_refuse_what_the_engine_cannot_count():
    """``rf_loops``: the RF loops one by one, a dim in up to two (Timeloop's P4 … P14), with
    ``keep`` placing each type's block; each wrong spelling is one error naming the key."""
    from accelsim.dataflow import DATAFLOWS
    from accelsim.engine.problem import Problem
    from accelsim.errors import AccelsimError
    from accelsim.hardware import load_hardware
    from accelsim.mapping.pinned import pinned_mapping
    from conftest import REPO

    spec = load_hardware(REPO / "hw_configs" / "eyeriss.yaml")
    df = DATAFLOWS["rs"]
    p = Problem(1, 1, 4, 2, 8, 8, 3, 3, 10, 10)
    pin = {"glb_tile": {"M": 2}, "spatial": {"R": 3, "E": 8}, "rf_loops": "C2 F2 S3 F4 M2",
           "keep": {"weight": "F2", "ifmap": "mac", "psum": 2}}
    m = pinned_mapping(pin, p, spec, df, "c", "pins.yaml")
    assert m.rf_loops == (("C", 2), ("F", 2), ("S", 3), ("F", 4), ("M", 2)) and m.keep_at == (2, 5, 2)
    assert dict(zip("NGMCEFRS", m.t3)) == {"N": 1, "G": 1, "M": 2, "C": 2, "E": 1, "F": 8, "R": 1, "S": 3}
    assert m.describe(df)["rf_loops"] == "C2 > F2 > S3 > F4 > M2"
    bad = [
        ({"rf_loops": "C2 F2 F2 F2", "keep": {"weight": "pass", "psum": "pass"}}, r"rf_loops.*F has 3 RF loops"),
        ({"rf_loops": "C2 F2 S3 F4 M2", "rf": {"F": 2}}, r"rf and rf_loops both give the RF loops"),
        ({"rf_loops": "C2 F2 S3 F4 M2", "keep": {"weight": "F4", "ifmap": "F2", "psum": "M"}}, r"keep, psum.*'M' is not one place"),
        ({"rf_loops": "C2 F2 S3 F2 M2"}, r"keep, ifmap: the dataflow keeps ifmap inside its F loop, which rf_loops has 2 times"),
        ({"rf_loops": "C2 F3 S3 F2", "keep": {"weight": "S3", "ifmap": "mac", "psum": "F2"}},
         r"rf_loops: the engine cannot count these RF loops: the passes along F do not each cover sp × t3 = 6"),
        ({"rf_loops": "C2 X3"}, r"'X3' is not an RF loop"),
        ({"keep": {"weight": "pass"}}, r"keep places the RF blocks among rf_loops"),
    ]
    for extra, words in bad:
        with pytest.raises(AccelsimError, match=r"pins.yaml.*" + words):
            pinned_mapping({"glb_tile": {"M": 2}, "spatial": {"R": 3, "E": 8}} | extra, p, spec, df, "c", "pins.yaml")
