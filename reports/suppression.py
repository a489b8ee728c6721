"""Small cells: the one rule every output of the annual report goes through.

A count from 1 to 4 is never shown ("<5"): with so few families a reader who knows the
neighbourhood could tell who they are. Hiding one cell is not enough when its line's
total is shown: total minus the other cells gives it back. So when a line (a row whose
total is shown, or a column whose total is shown) holds exactly one hidden cell, the
next-smallest cell of that line is hidden too (secondary suppression), and the check
runs again until no line gives a hidden cell away. Totals count as cells of their line.
"""

from __future__ import annotations

SMALL = 5  # counts below this (and above 0) are hidden
HIDDEN_LABEL = "<5"


def is_small(value: int) -> bool:
    return 1 <= value < SMALL


def with_totals(
    counts: list[list[int]], *, row_totals: bool = False, column_totals: bool = False
) -> list[list[int]]:
    """`counts` with a total column (the sum of each row) and/or a total row appended."""
    grid = [list(row) for row in counts]
    if row_totals:
        for row in grid:
            row.append(sum(row))
    if column_totals and grid:
        grid.append([sum(column) for column in zip(*grid, strict=True)])
    return grid


def suppress(
    counts: list[list[int]], *, row_totals: bool = False, column_totals: bool = False
) -> list[list[bool]]:
    """Which cells to hide, for `counts` (rows of equal length, without totals) with its
    shown totals appended as `with_totals` does: the mask has the same shape.

    Totals are cells of their lines like any other: a line (a row with its total, a
    column with its total) never holds exactly one hidden cell, since the others would
    give it back. When it would, its next-smallest shown cell is hidden too (a zero only
    when nothing else is left: "<5" is still true of it, and a line of one cell and its
    total hides the total).
    """
    grid = with_totals(counts, row_totals=row_totals, column_totals=column_totals)
    hidden = [[is_small(value) for value in row] for row in grid]
    if not grid:
        return hidden
    height, width = len(grid), len(grid[0])
    lines: list[list[tuple[int, int]]] = []
    if row_totals:
        lines += [[(r, c) for c in range(width)] for r in range(height)]
    if column_totals:
        lines += [[(r, c) for r in range(height)] for c in range(width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for r, c in line if hidden[r][c]) != 1:
                continue
            shown = [(grid[r][c] == 0, grid[r][c], r, c) for r, c in line if not hidden[r][c]]
            if shown:
                _zero, _value, r, c = min(shown)
                hidden[r][c] = True
                changed = True
    return hidden


def percentage(count: int, base: int, *, hidden: bool = False) -> float | None:
    """`count` as a share of `base` in percent (one decimal), or None when the base has
    fewer than SMALL families or the count itself is hidden."""
    if hidden or base < SMALL:
        return None
    return round(100 * count / base, 1)
