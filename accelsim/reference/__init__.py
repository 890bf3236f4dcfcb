"""Slow, plain reference models of the accelerator, independent of the engine.

They share no counting code with :mod:`accelsim.engine`: they keep the real sets of
elements each buffer holds and move real numbers, so that the fast engine (and a
user's own dataflow) can be checked against them on small layers.
"""
