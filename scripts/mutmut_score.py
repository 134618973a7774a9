"""Print the mutation score per mutated file from mutmut's result files (mutants/**/*.meta).

Killed = a test failed (exit code 1) or timed out; survived = every covering test passed (0);
"no tests" = no selected test reaches the function (33); skipped (34) and not run (None) apart.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

NAMES = {1: "killed", 3: "killed", 0: "survived", 33: "no tests", 34: "skipped", None: "not run", -24: "timeout"}


def main(root: str = "mutants") -> int:
    metas = sorted(Path(root).rglob("*.py.meta"))
    if not metas:
        print("no mutmut results under", root)
        return 1
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        if not codes:
            continue
        counts = Counter(NAMES.get(code, "killed" if code not in (0, 33, 34, None) else str(code)) for code in codes.values())
        killed, total = counts["killed"] + counts["timeout"], len(codes)
        name = str(meta.relative_to(root))[: -len(".meta")]
        print(f"{name}: {killed}/{total} killed ({100.0 * killed / total:.1f} %) — {dict(counts)}")
        for key, code in sorted(codes.items()):
            if code in (0, 33):
                print(f"    {NAMES[code]}: {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
