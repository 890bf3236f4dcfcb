"""``python -m accelsim.reproduce [DOCS_DIR]``: regenerate DOCS_DIR/reproduction.md (default docs/)."""
import sys

from . import run_claims
from .docs import write_docs

print(write_docs(run_claims("all"), sys.argv[1] if len(sys.argv) > 1 else "docs"))
