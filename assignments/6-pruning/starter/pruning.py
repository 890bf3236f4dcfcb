"""Assignment 6 — pruning and quantization on hardware (../handout.md)."""
from __future__ import annotations

from pathlib import Path

import accelsim  # noqa: F401
from accelsim.compress import Compression, LayerCompression, TensorCompression  # noqa: F401
from accelsim.compress.loader import load_compression  # noqa: F401

HARDWARE = str(Path(accelsim.__file__).resolve().parent / "reproduce" / "configs" / "eyeriss_sparse_weights.yaml")
LEVELS = ("MAC", "RF", "NoC", "GLB", "DRAM", "SIMD")

# 0. Before you run anything: the share of AlexNet's total energy each saves (0 .. 1).
PREDICTED = {"pruning": None, "quantization": None}


def pruned() -> Compression:
    """Deep Compression's weight densities with 4-bit relative indices, native width (pruning only)."""
    raise NotImplementedError


def quantized8() -> Compression:
    """Every weight dense at 8 bits (quantization only)."""
    raise NotImplementedError


def energy_by_level(network: str, hardware: str, compress: Compression | None) -> dict[str, float]:
    """The run's total energy per level (LEVELS), in pJ."""
    raise NotImplementedError


def saving_by_level(network: str, hardware: str, compress: Compression) -> dict[str, float]:
    """Per level and under "total": the share of the dense run's energy the compression saves."""
    raise NotImplementedError


def fc_share_of_saving(network: str, hardware: str, compress: Compression) -> float:
    """The share of the total energy saving that comes from the FC layers."""
    raise NotImplementedError


# 4. Answers, measured on alexnet and HARDWARE:
SAVED_TOTAL = {"pruning": None, "quantization": None}          # shares, to +-0.01
MOST_SAVED_LEVEL = {"pruning": None, "quantization": None}     # one of LEVELS each
FC_SHARE = None                                                # fc_share_of_saving for pruning, to +-0.02
PRUNING_SAVES_9X = None                                        # True / False
WHY = None                                                     # "a", "b", "c" or "d" — see the handout
