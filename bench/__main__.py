"""`python -m bench [name ...]`: run every benchmark, or the named ones."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

VALUE_OPTIONS = {"--scale", "--baseline"}


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(
        info.name.removeprefix("bench_")
        for info in pkgutil.iter_modules([str(here)])
        if info.name.startswith("bench_")
    )


def main(argv: list[str]) -> int:
    if "--list" in argv:
        print("\n".join(available()))
        return 0
    # Options such as --pg are read by bench.common from sys.argv; they are not names,
    # and neither are the values of those that take one (`--scale small`).
    names = [
        arg
        for index, arg in enumerate(argv)
        if not arg.startswith("-") and (index == 0 or argv[index - 1] not in VALUE_OPTIONS)
    ] or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"Unknown benchmark: {', '.join(unknown)}. Known: {', '.join(available())}")
        return 2
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
