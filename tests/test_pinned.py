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
