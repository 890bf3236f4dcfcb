"""Compression of a network's tensors: pruning (densities, N:M structure), quantization
(bit widths, shared-weight codebooks) and the zeros ReLU leaves in feature maps.

A compression is stated apart from the network (``compressions/*.yaml``, applied to any
network, so the zoo stays dense) and apart from the hardware (which states how each level
stores a tensor and what a PE does with zeros: :mod:`accelsim.hardware.sparse`). The
model that combines the three is :mod:`accelsim.engine.sparse`.
"""
from .spec import DTYPES_COMPRESSED, Compression, LayerCompression, TensorCompression

__all__ = ["Compression", "LayerCompression", "TensorCompression", "DTYPES_COMPRESSED"]
