"""accelsim: a cycle-level DNN accelerator simulator.

Real CNNs, layer by layer, on a configurable PE array with register files, an on-chip
network, global buffers and DRAM; exact integer counts of MACs, accesses, cycles and
energy.
"""
from .errors import AccelsimError
from .workload import Network, load_workload

__version__ = "0.1.0"

__all__ = ["AccelsimError", "Network", "load_workload", "__version__"]
