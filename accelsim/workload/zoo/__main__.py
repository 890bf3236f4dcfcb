"""python -m accelsim.workload.zoo [DIR]: export every zoo network to DIR/<name>.yaml."""
import sys

from . import export_all

if __name__ == "__main__":
    for p in export_all(sys.argv[1] if len(sys.argv) > 1 else "workloads"):
        print(p)
