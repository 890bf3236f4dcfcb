"""Wrong: the filter-column loop stops one short (an off-by-one)."""
from accelsim.dataflow import Dataflow


class SkipsLastColumn(Dataflow):
    rows = ("E",)
    cols = ("F",)
    rf_order = ("N", "M", "C", "R", "S")
    keep = {"weight": "mac", "ifmap": "mac", "psum": "M"}
    pass_order = ("G", "N", "M", "E", "F", "C", "R", "S")

    def order(self, extent):
        for n in range(extent["N"]):
            for m in range(extent["M"]):
                for c in range(extent["C"]):
                    for r in range(extent["R"]):
                        for s in range(max(1, extent["S"] - 1)):
                            yield n, m, c, r, s
