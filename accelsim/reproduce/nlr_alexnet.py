"""Claim 1: AlexNet with no local reuse moves 2896M words to and from DRAM."""
from __future__ import annotations

from .claim import Section, within_share
from .runs import hardware, network
from .worst_case import worst_case

SOURCE = "Sze et al., Proc. IEEE 105(12) 2017, §V, and the course slide 'DRAM access in AlexNet can be reduced from 2896M to 61M' (PUBLISHED.md §2)"
PAPER_ACCESSES = 2896e6  # [I] 4 accesses x 724M MACs
PAPER_MACS = 724e6


def section() -> Section:
    layers = worst_case(network("alexnet"), hardware("nlr_no_buffer"))
    macs = sum(l.macs for l in layers)
    total = sum(l.total for l in layers)
    outputs = sum(l.outputs for l in layers)
    claims = (
        within_share(
            "nlr.macs", "AlexNet MACs (conv + fc, batch 1)", SOURCE, PAPER_MACS, macs, "MACs", 0.001,
            note="the slide rounds to 724M",
        ),
        within_share(
            "nlr.dram", "DRAM accesses with no local reuse and no on-chip buffer (AlexNet)", SOURCE, PAPER_ACCESSES, total,
            "accesses", 0.02,
            note=f"4 x MACs = {4 * macs:,}; accelsim moves no padding and reads no psum before its first product "
            f"({4 * macs - total - outputs:,} padding ifmap reads, {outputs:,} first psum reads)",
        ),
    )
    rows = tuple((l.name, l.macs, l.weight, l.ifmap, l.psum_reads, l.psum_writes, l.total, 4 * l.macs) for l in layers)
    rows += (("total", macs, sum(l.weight for l in layers), sum(l.ifmap for l in layers), sum(l.psum_reads for l in layers),
              sum(l.psum_writes for l in layers), total, 4 * macs),)
    text = (
        "The worst case of the course: one PE, no register file, no on-chip buffer, and a loop nest in which "
        "consecutive MACs never share an operand or an output (`accelsim/reproduce/worst_case.py`), so every MAC "
        "reads its weight, its ifmap value and its psum from DRAM and writes the psum back. The slide's 2896M is "
        "4 × 724M. accelsim counts 4·MACs minus two exact terms: ifmap values that are padding are never fetched "
        "(conv2–conv5 are padded), and the first product of each output reads no psum (none exists yet). Adding "
        "them back gives 4·MACs exactly; the test checks both terms against a plain NumPy count."
    )
    return Section(
        "nlr-alexnet", "No local reuse: AlexNet's DRAM traffic in the worst case", claims,
        tables=(("AlexNet, no local reuse, no on-chip buffer (accesses)",
                 ("layer", "MACs", "weight reads", "ifmap reads", "psum reads", "psum writes", "total", "4 × MACs"), rows),),
        text=text,
    )
