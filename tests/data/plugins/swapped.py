"""Wrong: the loop nest puts C outermost, but rf_order declares N > M > C > R > S."""
from accelsim.dataflow import Dataflow


class SwappedLoops(Dataflow):
    rows = ("E",)
    cols = ("F",)
    rf_order = ("N", "M", "C", "R", "S")
    keep = {"weight": "mac", "ifmap": "mac", "psum": "M"}
    pass_order = ("G", "N", "M", "E", "F", "C", "R", "S")

    def order(self, extent):
        for c in range(extent["C"]):
            for n in range(extent["N"]):
                for m in range(extent["M"]):
                    for r in range(extent["R"]):
                        for s in range(extent["S"]):
                            yield n, m, c, r, s
