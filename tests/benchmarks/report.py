"""Shared by the benchmark scripts: print the results as a table and write them as JSON."""
from __future__ import annotations

import json
from pathlib import Path


def report(results: dict[str, dict], json_path: Path) -> None:
    """``results``: row name → {figure name → value}, every row with the same figures."""
    keys = list(next(iter(results.values())))
    width = max(len(k) for k in keys) + 2
    print(f"{'':22}" + "".join(f"{k:>{width}}" for k in keys))
    for name, row in results.items():
        print(f"{name:22}" + "".join(f"{str(row[k]):>{width}}" for k in keys))
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"written to {json_path}")
