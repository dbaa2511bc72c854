"""Re-run the notebooks and keep only the outputs that nbval checks.

usage: python tools/refresh_notebooks.py [NOTEBOOK ...]   (default: every notebook)

Cells marked ``# NBVAL_CHECK_OUTPUT`` carry ``"keep_output": true`` metadata, so
nbstripout keeps their output and nbval compares it on every run; every other
output is stripped before commit. Run this after changing the data on purpose,
then review the diff of the checked outputs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
#: how notebooks are stripped before commit (tests/test_project.py checks with the same flags)
STRIP_FLAGS = ["--keep-id", "--keep-count"]


def refresh(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            checked = "# NBVAL_CHECK_OUTPUT" in cell.source
            cell.metadata.pop("keep_output", None)
            if checked:
                cell.metadata["keep_output"] = True
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(nb, path)
    # the same stripping the git filter and tests/test_project.py apply
    # nbval compares only cells that carry an execution count, so counts are kept (1..N from a clean run)
    subprocess.run([Path(sys.executable).with_name("nbstripout"), *STRIP_FLAGS, str(path)], check=True)
    print(f"refreshed {path.relative_to(ROOT)}")


if __name__ == "__main__":
    paths = [Path(p).resolve() for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        refresh(p)
