"""The accelerator side: hardware specs (array, levels, units, clock) and energy tables.

Public API (used by the engine, the CLI and the reports):

- :func:`load_hardware` (path) -> :class:`HardwareSpec`, raising
  :class:`~accelsim.errors.AccelsimError` for any problem in the file;
- :func:`hardware_from_dict` (data, file) — the same from parsed YAML;
- :class:`HardwareSpec` — ``.name``, ``.description``, ``.array`` (rows, cols, kind),
  ``.rf``, ``.noc``, ``.glbs`` (innermost first), ``.dram``, ``.simd``, ``.clock_mhz``,
  ``.dataflow``, ``.word_bits``, ``.energy``; ``glb_for(dtype)``, ``dataflows``,
  ``check_dataflow(df)``, ``actions``;
- :class:`EnergyTable` — ``.unit``, ``.costs``, ``.sources``; ``energy(counts)``,
  ``total(counts)``, ``by_level(counts)``;
- :func:`derived` (spec) -> dict, :func:`describe` (spec) -> str.

The architecture and the energy table are separate objects (as in Timeloop/Accelergy):
the spec says what exists and how fast it moves data, the table what each action costs.
"""
from .derive import derived, describe
from .energy import BUILTIN_TABLES, NORMALIZED, PJ, EnergyTable
from .loader import hardware_from_dict, load_hardware, parse_size_bytes
from .spec import (
    ARRAY_KINDS,
    DATA_TYPES,
    DATAFLOWS,
    LEVELS,
    RUNNABLE,
    STATIONARY,
    ArraySpec,
    DRAMSpec,
    GLBSpec,
    HardwareSpec,
    NoCSpec,
    RFSpec,
    SIMDSpec,
)

__all__ = [
    "ARRAY_KINDS",
    "BUILTIN_TABLES",
    "DATAFLOWS",
    "DATA_TYPES",
    "LEVELS",
    "NORMALIZED",
    "PJ",
    "RUNNABLE",
    "STATIONARY",
    "ArraySpec",
    "DRAMSpec",
    "EnergyTable",
    "GLBSpec",
    "HardwareSpec",
    "NoCSpec",
    "RFSpec",
    "SIMDSpec",
    "derived",
    "describe",
    "hardware_from_dict",
    "load_hardware",
    "parse_size_bytes",
]
