#!/usr/bin/env python3
"""Regenerates every fixture under test/fixtures/ from real PyTorch.

Run with Debian's PyTorch: /usr/bin/python3 scripts/gen_fixtures.py (npm run fixtures).
Each scripts/fixtures/<name>.py defines cases() returning a JSON-serialisable object,
written to test/fixtures/<name>.json. npm test reads the JSON and needs no Python.
"""
import importlib.util
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "test" / "fixtures"


def main(only):
    import torch  # noqa: F401  (fail early with a clear message when torch is missing)

    OUT.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "scripts" / "fixtures"))  # for _common
    for script in sorted((ROOT / "scripts" / "fixtures").glob("*.py")):
        if script.name.startswith("_") or (only and script.stem not in only):
            continue
        spec = importlib.util.spec_from_file_location(script.stem, script)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        data = module.cases()
        (OUT / f"{script.stem}.json").write_text(json.dumps(data, indent=1, allow_nan=True) + "\n")
        print(f"wrote test/fixtures/{script.stem}.json")


if __name__ == "__main__":
    main(set(sys.argv[1:]))
