"""Timeloop in: its v0.4 problem, architecture (with Accelergy's ERT) and mapping files, counted
under Timeloop's own convention (docs/engine.md, "Timeloop's counting convention").

Arrows point down only: :mod:`.yamltags` reads the files, :mod:`.problem`, :mod:`.arch` and
:mod:`.mapping` turn them into frozen specs, :mod:`.nest` counts every level's reads, fills and
updates per data space; :mod:`.engine` turns the nest into an accelsim pinned mapping and
:mod:`.hardware` the architecture into an accelsim config, for the engine to count under
accelsim's convention; :mod:`.convert` writes the files, :mod:`.cli` prints both.
"""
from .arch import Arch, Level, load_arch, load_ert
from .mapping import Loop, Nest, load_mapping
from .nest import Counts, count
from .problem import DataSpace, TProblem, load_problem

__all__ = ["Arch", "Counts", "DataSpace", "Level", "Loop", "Nest", "TProblem", "count", "load_arch", "load_ert",
           "load_mapping", "load_problem"]
