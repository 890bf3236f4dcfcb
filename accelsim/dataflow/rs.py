"""Row stationary (RS): Eyeriss's dataflow (Chen et al., ISCA 2016; JSSC 2017 §IV).

Each PE runs a 1-D convolution *primitive*: one filter row (S weights) against one ifmap
row, producing one row of psums. A *PE set* of R rows × E columns computes a whole 2-D
output: PE (r, e) convolves filter row r with ifmap row e·U + r, ifmap rows are shared
along the diagonals, and the psums of a column are added across its R rows. PE sets are
folded onto the physical array: more sets side by side take more output rows (E), sets
stacked in spare rows take other channels (C) or filters (M). Inside a PE, p filters and
q channels are interleaved in the RF (Eyeriss' p, q; n images likewise)::

    for g, m_blk, c_blk, n_blk, e_blk:             # passes
        parallel-for (r, c, m) in rows, e in cols: # PE sets on the array
            keep w[m:m+p][c:c+q][r][0:S]           # filter rows: stationary
            for n, f:                              # slide along the output row
                keep i[n][c:c+q][e·U+r][f·U : f·U+S]   # the ifmap window: slides by U
                keep psum[m:m+p] of o[n][·][e][f]      # p psums in the RF
                for c in q, s in S, m in p:        # one MAC per cycle
                    psum[m] += w[m][c][r][s] * i[n][c][e·U+r][f·U+s]
            o[n][m][e][f] += Σ_r psum              # added up the PE-set column
"""
from .base import Dataflow

RS = Dataflow(
    name="rs",
    title="row stationary",
    rows=("R", "C", "M"),
    cols=("E",),
    rf_order=("N", "F", "C", "S", "M"),
    keep={"weight": "pass", "ifmap": "F", "psum": "F"},
    pass_order=("G", "M", "C", "R", "S", "N", "E", "F"),
    full_in_pass=("S", "F"),
    description="1-D row convolutions per PE: filter rows stationary, ifmap windows slide, psums add up PE-set columns",
    reference="Chen, Emer, Sze, ISCA 2016; Chen, Krishna, Emer, Sze, JSSC 52(1) 2017, §IV",
)
