"""`python -m bench [name ...]`: run every benchmark, or the named ones."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([str(here)])
        if info.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    names = [name for name in argv if not name.startswith("--")] or available()
    if "--list" in argv:
        print("\n".join(available()))
        return 0
    failed = []
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"\n## {name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        if module.main() is False:
            failed.append(name)
    if failed:
        print(f"\nBelow goal: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
