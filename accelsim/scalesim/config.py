"""SCALE-Sim ``.cfg`` files: read with configparser into a frozen :class:`ScaleSimConfig`.

The keys are the ones SCALE-Sim 3.0.0 reads (``scale_config.py: scale_config.read_conf_file``);
as there, key names are case-insensitive, values are words/kB integers, and "kB" means
1024 one-byte words (the word size is hard-coded to 1 byte). Keys that appear in SCALE-Sim's
shipped configs but that it never reads (``MemoryBanks``, the Accelergy-flow row/bank sizes,
the sparsity details) are accepted and ignored; any other key or section is an error with a
did-you-mean. A key that changes no figure and that older (v2) configs lack — the whole
``[layout]`` section in CALC mode, ``[sparsity]``, ``UseRamulatorTrace``,
``Read/WriteRequestBuffer`` — is defaulted with a warning (SCALE-Sim 3.0.0 itself refuses such a
file); every other missing key is an error.

:func:`config_to_hardware_dict` turns a config into an accelsim hardware description (the
format of ``hw_configs/*.yaml``) that :func:`accelsim.hardware.hardware_from_dict` accepts.
"""
from __future__ import annotations

import configparser
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..limits import MAX_FIELD
from ..textio import read_text
from ..errors import Where, did_you_mean
from .topology import ScaleSimWarning

DATAFLOWS = ("os", "ws", "is")
MODES = ("CALC", "USER")

# section -> canonical key names SCALE-Sim 3.0.0 reads (or its shipped configs contain)
READ_KEYS: dict[str, tuple[str, ...]] = {
    "general": ("run_name",),
    "architecture_presets": (
        "ArrayHeight",
        "ArrayWidth",
        "IfmapSramSzkB",
        "FilterSramSzkB",
        "OfmapSramSzkB",
        "IfmapOffset",
        "FilterOffset",
        "OfmapOffset",
        "Dataflow",
        "Bandwidth",
        "ReadRequestBuffer",
        "WriteRequestBuffer",
    ),
    "layout": (
        "IfmapCustomLayout",
        "IfmapSRAMBankBandwidth",
        "IfmapSRAMBankNum",
        "IfmapSRAMBankPort",
        "FilterCustomLayout",
        "FilterSRAMBankBandwidth",
        "FilterSRAMBankNum",
        "FilterSRAMBankPort",
    ),
    "sparsity": ("SparsitySupport",),
    "run_presets": ("InterfaceBandwidth", "UseRamulatorTrace"),
    "network_presets": (),
}
# Keys found in SCALE-Sim's shipped configs that 3.0.0 ignores (accepted, ignored).
IGNORED_KEYS: dict[str, tuple[str, ...]] = {
    "architecture_presets": ("MemoryBanks",),
    "sparsity": ("SparseRep", "OptimizedMapping", "BlockSize", "RandomNumberGeneratorSeed", "NonZeroElems"),
    "run_presets": ("SRAM_row_size", "SRAM_bank_size", "DRAM_row_size", "DRAM_bank_size"),
    "network_presets": ("TopologyCsvLoc", "LayoutCsvLoc"),
}
REQUIRED_SECTIONS = ("general", "architecture_presets", "run_presets")
DEFAULTED = {  # (section, key) -> default, when SCALE-Sim would refuse but no figure depends on it
    ("run_presets", "UseRamulatorTrace"): "False",
    ("architecture_presets", "ReadRequestBuffer"): "0",
    ("architecture_presets", "WriteRequestBuffer"): "0",
    ("sparsity", "SparsitySupport"): "false",
}
LAYOUT_DEFAULTS = {  # SCALE-Sim's own defaults (scale_config.__init__); unused in CALC mode
    "IfmapCustomLayout": "False",
    "IfmapSRAMBankBandwidth": "10",
    "IfmapSRAMBankNum": "10",
    "IfmapSRAMBankPort": "2",
    "FilterCustomLayout": "False",
    "FilterSRAMBankBandwidth": "10",
    "FilterSRAMBankNum": "10",
    "FilterSRAMBankPort": "2",
}


@dataclass(frozen=True)
class ScaleSimConfig:
    """A SCALE-Sim architecture config (sizes in kB of 1-byte words; bandwidths in words/cycle)."""

    run_name: str
    array_rows: int
    array_cols: int
    ifmap_sram_kb: int
    filter_sram_kb: int
    ofmap_sram_kb: int
    dataflow: str
    interface_bandwidth: str = "CALC"
    bandwidth: tuple[int, ...] = ()
    ifmap_offset: int = 0
    filter_offset: int = 10_000_000
    ofmap_offset: int = 20_000_000
    read_request_buffer: int = 0
    write_request_buffer: int = 0
    ifmap_sram_bank_bandwidth: int = 10
    ifmap_sram_bank_num: int = 10
    ifmap_sram_bank_port: int = 2
    filter_sram_bank_bandwidth: int = 10
    filter_sram_bank_num: int = 10
    filter_sram_bank_port: int = 2
    ifmap_custom_layout: bool = False
    filter_custom_layout: bool = False
    file: str = ""

    @property
    def user_bandwidth(self) -> bool:
        return self.interface_bandwidth == "USER"

    @property
    def ifmap_words(self) -> int:
        return self.ifmap_sram_kb * 1024

    @property
    def filter_words(self) -> int:
        return self.filter_sram_kb * 1024

    @property
    def ofmap_words(self) -> int:
        return self.ofmap_sram_kb * 1024

    # The DRAM-side bandwidths SCALE-Sim uses (single_layer_sim.run):
    @property
    def ifmap_dram_bw(self) -> int:
        return self.ifmap_sram_bank_bandwidth if self.user_bandwidth else 10

    @property
    def filter_dram_bw(self) -> int:
        return self.filter_sram_bank_bandwidth if self.user_bandwidth else 10

    @property
    def ofmap_dram_bw(self) -> int:
        return self.bandwidth[0] if self.user_bandwidth else self.array_cols

    def replace(self, **changes: Any) -> "ScaleSimConfig":
        from dataclasses import replace

        return replace(self, **changes)


def load_config(path: str | os.PathLike[str]) -> ScaleSimConfig:
    """Read and validate a SCALE-Sim ``.cfg`` file."""
    p = Path(path)
    text = read_text(p, "a SCALE-Sim .cfg file")
    return parse_config(text, str(p))


def parse_config(text: str, file: str = "<config>") -> ScaleSimConfig:
    top = Where(file)
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=file)
    except configparser.MissingSectionHeaderError as exc:
        raise top.at(f"line {exc.lineno}").error(
            "a key before any [section]", expected="a section header such as [architecture_presets]",
            found=exc.line.strip(),
        ) from None
    except configparser.DuplicateSectionError as exc:
        raise top.at(f"line {exc.lineno}").error("section given twice", found=f"[{exc.section}]") from None
    except configparser.DuplicateOptionError as exc:
        raise top.at(f"line {exc.lineno}, [{exc.section}]").error("key given twice", found=exc.option) from None
    except configparser.ParsingError as exc:
        lineno, line = exc.errors[0] if exc.errors else (0, "")
        raise top.at(f"line {lineno}").error(
            "not a 'key: value' or 'key = value' line", expected="key: value", found=str(line).strip("'")
        ) from None
    except configparser.Error as exc:
        raise top.error(f"cannot be parsed as an INI/.cfg file ({exc})") from None

    known_sections = list(READ_KEYS)
    for section in parser.sections():
        if section not in READ_KEYS:
            raise top.error(
                f"unknown section [{section}]{did_you_mean(section, known_sections)}",
                expected="sections " + ", ".join(f"[{s}]" for s in known_sections),
                found=f"[{section}]",
            )
        allowed = READ_KEYS[section] + IGNORED_KEYS.get(section, ())
        lower = {k.lower(): k for k in allowed}
        for key in parser.options(section):
            if key not in lower:
                raise top.at(f"[{section}]").error(
                    f"unknown key '{key}'{_suggest(key, allowed)}",
                    expected="one of " + ", ".join(allowed) if allowed else "no keys",
                    found=key,
                )
    for section in REQUIRED_SECTIONS:
        if not parser.has_section(section):
            raise top.error(f"missing section [{section}]", expected=f"a [{section}] section as in SCALE-Sim's configs")

    defaulted: list[str] = []

    def raw(section: str, key: str, *, required: bool = True) -> str | None:
        if parser.has_section(section) and parser.has_option(section, key):
            return parser.get(section, key).strip()
        if (section, key) in DEFAULTED and not required:
            defaulted.append(f"{key} = {DEFAULTED[(section, key)]}")
            return DEFAULTED[(section, key)]
        if not required:
            return None
        where = top.at(f"[{section}]")
        if not parser.has_section(section):
            raise top.error(f"missing section [{section}] (with key {key})")
        raise where.error(f"missing required key '{key}'")

    def integer(section: str, key: str, *, minimum: int = 1, required: bool = True) -> int:
        value = raw(section, key, required=required)
        assert value is not None
        try:
            n = int(value)
        except ValueError:
            raise top.at(f"[{section}] {key}").error("not a whole number", expected="an integer", found=value) from None
        if n < minimum:
            raise top.at(f"[{section}] {key}").error("out of range", expected=f"an integer >= {minimum}", found=n)
        if n > MAX_FIELD:
            raise top.at(f"[{section}] {key}").error("larger than accelsim accepts",
                                                     expected=f"an integer <= {MAX_FIELD:,} (accelsim/limits.py)", found=n)
        return n

    mode = raw("run_presets", "InterfaceBandwidth")
    assert mode is not None
    if mode not in MODES:
        raise top.at("[run_presets] InterfaceBandwidth").error(
            f"unknown mode '{mode}'{_suggest(mode, MODES)}", expected="CALC or USER (upper case, as SCALE-Sim reads it)",
            found=mode,
        )
    ramulator = raw("run_presets", "UseRamulatorTrace", required=False)
    if ramulator == "True":  # SCALE-Sim compares with the exact string 'True'
        raise top.at("[run_presets] UseRamulatorTrace").error(
            "Ramulator latency traces are not supported by accelsim's SCALE-Sim-compatible mode",
            expected="False",
            found=ramulator,
        )
    sparse = raw("sparsity", "SparsitySupport", required=False)
    if sparse is not None and sparse.lower() == "true":
        raise top.at("[sparsity] SparsitySupport").error(
            "SCALE-Sim's sparse mode is not supported by the compatible mode", expected="false", found=sparse
        )

    df = raw("architecture_presets", "Dataflow")
    assert df is not None
    if df not in DATAFLOWS:
        raise top.at("[architecture_presets] Dataflow").error(
            f"unknown dataflow '{df}'{_suggest(df, DATAFLOWS)}", expected="os, ws or is (lower case)", found=df
        )

    bandwidth: tuple[int, ...] = ()
    bw_text = raw("architecture_presets", "Bandwidth", required=mode == "USER")
    if bw_text is not None:
        try:
            bandwidth = tuple(int(x.strip()) for x in bw_text.strip().split(","))
        except ValueError:
            if mode == "USER":
                raise top.at("[architecture_presets] Bandwidth").error(
                    "not a list of whole numbers", expected="words per cycle, e.g. 10 or 10,10,10", found=bw_text
                ) from None
            bandwidth = ()
        if mode == "USER" and (not bandwidth or bandwidth[0] < 1):
            raise top.at("[architecture_presets] Bandwidth").error(
                "out of range", expected="a positive number of words per cycle", found=bw_text
            )

    layout: dict[str, str] = {}
    if parser.has_section("layout"):
        for key in READ_KEYS["layout"]:
            value = raw("layout", key)
            assert value is not None
            layout[key] = value
    elif mode == "USER":
        raise top.error(
            "missing section [layout]: in USER mode its IfmapSRAMBankBandwidth and FilterSRAMBankBandwidth are "
            "the ifmap and filter DRAM bandwidths",
            expected="a [layout] section with " + ", ".join(READ_KEYS["layout"]),
        )
    else:
        layout = dict(LAYOUT_DEFAULTS)
        defaulted.append("[layout] (SCALE-Sim's defaults; unused in CALC mode)")

    def boolean(key: str) -> bool:
        value = layout[key].lower()
        if value in ("1", "yes", "true", "on"):
            return True
        if value in ("0", "no", "false", "off"):
            return False
        raise top.at(f"[layout] {key}").error("not a boolean", expected="True or False", found=layout[key])

    def layout_int(key: str) -> int:
        try:
            n = int(layout[key])
        except ValueError:
            raise top.at(f"[layout] {key}").error("not a whole number", expected="an integer", found=layout[key]) from None
        if n < 1:
            raise top.at(f"[layout] {key}").error("out of range", expected="an integer >= 1", found=n)
        if n > MAX_FIELD:
            raise top.at(f"[layout] {key}").error("larger than accelsim accepts",
                                                  expected=f"an integer <= {MAX_FIELD:,} (accelsim/limits.py)", found=n)
        return n

    run_name = raw("general", "run_name")
    assert run_name is not None
    cfg = ScaleSimConfig(
        run_name=run_name,
        array_rows=integer("architecture_presets", "ArrayHeight"),
        array_cols=integer("architecture_presets", "ArrayWidth"),
        ifmap_sram_kb=integer("architecture_presets", "IfmapSramSzkB"),
        filter_sram_kb=integer("architecture_presets", "FilterSramSzkB"),
        ofmap_sram_kb=integer("architecture_presets", "OfmapSramSzkB"),
        dataflow=df,
        interface_bandwidth=mode,
        bandwidth=bandwidth,
        ifmap_offset=integer("architecture_presets", "IfmapOffset", minimum=0),
        filter_offset=integer("architecture_presets", "FilterOffset", minimum=0),
        ofmap_offset=integer("architecture_presets", "OfmapOffset", minimum=0),
        read_request_buffer=integer("architecture_presets", "ReadRequestBuffer", minimum=0, required=False),
        write_request_buffer=integer("architecture_presets", "WriteRequestBuffer", minimum=0, required=False),
        ifmap_custom_layout=boolean("IfmapCustomLayout"),
        filter_custom_layout=boolean("FilterCustomLayout"),
        ifmap_sram_bank_bandwidth=layout_int("IfmapSRAMBankBandwidth"),
        ifmap_sram_bank_num=layout_int("IfmapSRAMBankNum"),
        ifmap_sram_bank_port=layout_int("IfmapSRAMBankPort"),
        filter_sram_bank_bandwidth=layout_int("FilterSRAMBankBandwidth"),
        filter_sram_bank_num=layout_int("FilterSRAMBankNum"),
        filter_sram_bank_port=layout_int("FilterSRAMBankPort"),
        file=file,
    )
    if cfg.user_bandwidth:
        if cfg.ifmap_custom_layout or cfg.filter_custom_layout:
            raise top.at("[layout]").error(
                "custom SRAM layouts (bank-conflict modelling) are not supported by the compatible mode",
                expected="IfmapCustomLayout: False and FilterCustomLayout: False",
                found=f"{layout['IfmapCustomLayout']}, {layout['FilterCustomLayout']}",
            )
        for which in ("ifmap", "filter"):
            bw = getattr(cfg, f"{which}_sram_bank_bandwidth")
            banks = getattr(cfg, f"{which}_sram_bank_num")
            if bw % banks:
                name = which.capitalize()
                raise top.at(f"[layout] {name}SRAMBankBandwidth").error(
                    "SCALE-Sim requires the bank bandwidth to divide evenly among the banks",
                    expected=f"a multiple of {name}SRAMBankNum = {banks}",
                    found=bw,
                )
    if defaulted:
        warnings.warn(
            f"{file}: SCALE-Sim 3.0.0 would refuse this config (it lacks "
            + ", ".join(defaulted)
            + "); accelsim fills these in because no figure depends on them",
            ScaleSimWarning,
            stacklevel=2,
        )
    return cfg


# ---------------------------------------------------------------- to accelsim


def config_to_hardware_dict(cfg: ScaleSimConfig, *, name: str | None = None) -> dict[str, Any]:
    """The equivalent accelsim hardware description (``hw_configs/*.yaml`` format).

    Same array, three double-buffered SRAMs of the same sizes (1-byte words, kB = 1024),
    SRAM ports as wide as the array edges, and the DRAM bandwidth SCALE-Sim uses: in CALC
    mode 10 words/cycle into each of the ifmap and filter SRAMs and ``ArrayWidth`` out of the
    ofmap SRAM; in USER mode the [layout] bank bandwidths in and ``Bandwidth[0]`` out.
    SCALE-Sim has no clock, no register files, no SIMD unit and no energy: those are
    accelsim's (nominal 1 GHz, one register per operand per PE, Horowitz 45 nm energy).
    """
    rows, cols = cfg.array_rows, cfg.array_cols
    edge = max(rows, cols)
    hw_name = name or _ident(cfg.run_name)
    mode = "USER" if cfg.user_bandwidth else "CALC"
    return {
        "name": hw_name,
        "description": (
            f"Imported from SCALE-Sim config {Path(cfg.file).name or cfg.run_name}: {rows}x{cols} systolic array, "
            f"{cfg.ifmap_sram_kb}/{cfg.filter_sram_kb}/{cfg.ofmap_sram_kb} kB ifmap/filter/ofmap SRAMs, "
            f"{cfg.dataflow}, {mode} mode"
        ),
        "source": f"accelsim import scalesim from {cfg.file or cfg.run_name} (SCALE-Sim 3.0.0 semantics, MODEL.md)",
        "clock_mhz": 1000,
        "dataflow": cfg.dataflow,
        "word_bits": 8,
        "array": {"rows": rows, "cols": cols, "kind": "systolic"},
        "rf": {"split": {"weight": 1, "ifmap": 1, "psum": 1}},
        "noc": {"kind": "forwarding"},
        "glbs": [
            {"name": "ifmap_sram", "holds": ["ifmap"], "size": f"{cfg.ifmap_sram_kb} KiB",
             "read_bw": edge, "write_bw": edge, "double_buffered": True},
            {"name": "filter_sram", "holds": ["weight"], "size": f"{cfg.filter_sram_kb} KiB",
             "read_bw": edge, "write_bw": edge, "double_buffered": True},
            {"name": "ofmap_sram", "holds": ["psum", "ofmap"], "size": f"{cfg.ofmap_sram_kb} KiB",
             "read_bw": edge, "write_bw": edge, "double_buffered": True},
        ],
        "dram": {
            "word_bits": 8,
            "read_bw": cfg.ifmap_dram_bw + cfg.filter_dram_bw,
            "write_bw": cfg.ofmap_dram_bw,
        },
        "simd": {"lanes": cols},
        "energy": "horowitz45",
    }


def _suggest(word: str, choices: tuple[str, ...]) -> str:
    """A case-insensitive did-you-mean that names the canonical spelling."""
    lower = {c.lower(): c for c in choices}
    hint = did_you_mean(word.lower(), list(lower))
    return f" (did you mean '{lower[hint.split(chr(39))[1]]}'?)" if hint else ""


def _ident(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_").lower()
    return s or "scalesim"
