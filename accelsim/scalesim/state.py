"""The layout of the state arrays the compatible mode's memory walk keeps (:mod:`.kernels`):
plain integer indices, shared by the kernels and the Python side that sets them up and reads
them back (:mod:`.dram`), kept apart so that the Python side imports no compiler."""

# read-operand state (CALC and USER), one row of ``st`` per operand
_LASTJ, _SAME, _BSIZE, _MISS, _NJ = 0, 1, 2, 3, 4
_K, _WSTART, _WEND, _LASTPF, _NSETS, _ACT, _PF, _LP, _ERR = 5, 6, 7, 8, 9, 10, 11, 12, 13
_FIRSTREQ, _FIRSTSRV, _LASTSRV, _HAS = 14, 15, 16, 17
_NST = 18
# write-buffer state
_FREE, _LINE, _LINES, _DLINE, _DEND, _WRITES, _DSTART, _DSTOP, _DRAINS, _NPART, _PP = range(11)
_ACTIVE, _LPD, _BW = 11, 12, 13
_NWB = 14
# outputs
O_STALL, O_TOTAL, O_OF_FIRST, O_OF_LAST, O_OF_HAS, O_ERR = range(6)
_NOUT = 6
