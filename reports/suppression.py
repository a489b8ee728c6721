"""Small cells: the one rule every output of the annual report goes through.

A count from 1 to 4 is never shown: with so few families a reader who knows the
neighbourhood could tell who they are. Every hidden cell reads "x" (as in CBS's
tables), whether it is small itself or hidden so that a small one cannot be worked
out: "<5" on a hidden 20 would be untrue, and two marks would tell which cell is small.
Hiding one cell is not enough when its line's total is shown: total minus the other
cells gives it back. So when a line (a row whose
total is shown, or a column whose total is shown) holds exactly one hidden cell, the
next-smallest cell of that line is hidden too (secondary suppression), and the check
runs again until no line gives a hidden cell away. Totals count as cells of their line.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from fractions import Fraction

SMALL = 5  # counts below this (and above 0) are hidden
HIDDEN_LABEL = "x"


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
    when nothing else is left, and a line of one cell and its total hides the total).
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


# --- One report, many tables ----------------------------------------------------------
#
# The same figure often appears in more than one table: the families per programme are
# a row of the families table, the total row of the referrers table and the bases of the
# support-question and risk-factor percentages. Suppressing each table on its own lets a
# reader take a figure hidden in one table from another table (or from a percentage and
# its count) and compute the hidden cell back. The ledger gives every figure of a report
# one name (a key), whatever table it appears in, records every sum the tables print
# (a total and its parts), and decides once for the whole report what is hidden: a key
# hidden in one table is hidden in all of them.

Key = Hashable


class Ledger:
    """Every figure of one report by key, the sums that tie them, and one decision on
    what to hide (`solve`). Keys are registered with their value (`add`) and sums with
    `relate`; `hidden` and `percent` answer once `solve` has run."""

    def __init__(self) -> None:
        self.values: dict[Key, int] = {}
        self.lines: list[tuple[Key, tuple[Key, ...]]] = []
        self._seen_lines: set[tuple[Key, tuple[Key, ...]]] = set()
        self._hidden: set[Key] | None = None

    def add(self, key: Key, value: int) -> None:
        if key in self.values and self.values[key] != value:
            # Two tables print the same figure with different values: a counting bug,
            # and the difference itself could be a hidden count.
            raise ValueError(f"{key!r} is {self.values[key]} and {value}")
        self.values[key] = value
        self._hidden = None

    def relate(self, total: Key, parts: Sequence[Key]) -> None:
        """`total` is printed next to `parts` and equals their sum."""
        line = (total, tuple(parts))
        if line not in self._seen_lines:
            self._seen_lines.add(line)
            self.lines.append(line)
            self._hidden = None

    def hidden(self, key: Key) -> bool:
        if self._hidden is None:
            self.solve()
        return key in self._hidden

    def percent(self, count: Key, base: Key) -> float | None:
        """`count` as a share of `base`, or None when either is hidden or the base is
        small: a shown count with its percentage gives its base back, so a hidden base
        hides every percentage of it."""
        if self.hidden(count) or self.hidden(base):
            return None
        return percentage(self.values[count], self.values[base])

    def solve(self) -> set[Key]:
        """Hide every count from 1 to 4, then (secondary suppression) more cells until
        no printed sum gives a hidden figure back: no line holds exactly one hidden
        figure, and no combination of lines (across tables) pins one down either."""
        hidden = {key for key, value in self.values.items() if is_small(value)}
        while True:
            self._line_rule(hidden)
            determined = determined_keys(self.values, self.lines, hidden)
            if not determined:
                break
            extra = self._next_to_hide(determined, hidden)
            if extra is None:  # pinned down by hidden figures only: its value is 0
                break
            hidden.add(extra)
        self._hidden = hidden
        return hidden

    def _order(self, key: Key) -> tuple[bool, int, str]:
        # The next cell to hide: the smallest, a zero only when nothing else is left.
        value = self.values[key]
        return (value == 0, value, repr(key))

    def _line_rule(self, hidden: set[Key]) -> None:
        changed = True
        while changed:
            changed = False
            for total, parts in self.lines:
                members = (total, *parts)
                if sum(1 for key in members if key in hidden) != 1:
                    continue
                shown = [key for key in members if key not in hidden]
                if shown:
                    hidden.add(min(shown, key=self._order))
                    changed = True

    def _next_to_hide(self, determined: set[Key], hidden: set[Key]) -> Key | None:
        """The smallest shown figure on the lines nearest to a pinned-down figure."""
        reached, frontier = set(determined), set(determined)
        while frontier:
            lines = [(total, *parts) for total, parts in self.lines if frontier & {total, *parts}]
            shown = {key for line in lines for key in line if key not in hidden}
            if shown:
                return min(shown, key=self._order)
            frontier = {key for line in lines for key in line} - reached
            reached |= frontier
        return None


def determined_keys(
    values: dict[Key, int], lines: Sequence[tuple[Key, Sequence[Key]]], hidden: set[Key]
) -> set[Key]:
    """The hidden keys whose value follows from the printed sums and the shown figures
    (exact linear algebra over the rationals: a key is pinned down when its unit vector
    lies in the row space of the sums restricted to the hidden keys)."""
    unknowns: list[Key] = []
    index: dict[Key, int] = {}
    rows: list[dict[int, Fraction]] = []
    for total, parts in lines:
        row: dict[int, Fraction] = {}
        for key, sign in ((total, 1), *((part, -1) for part in parts)):
            if key in hidden:
                if key not in index:
                    index[key] = len(unknowns)
                    unknowns.append(key)
                column = index[key]
                row[column] = row.get(column, Fraction(0)) + sign
        row = {column: value for column, value in row.items() if value}
        if row:
            rows.append(row)
    # Reduced row echelon form on sparse rows.
    pivots: dict[int, dict[int, Fraction]] = {}
    for row in rows:
        for column, pivot_row in pivots.items():
            if column in row:
                factor = row[column]
                for c, v in pivot_row.items():
                    row[c] = row.get(c, Fraction(0)) - factor * v
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        column = min(row)
        scale = row[column]
        row = {c: v / scale for c, v in row.items()}
        for other in pivots.values():
            if column in other:
                factor = other[column]
                for c, v in row.items():
                    other[c] = other.get(c, Fraction(0)) - factor * v
                for c in [c for c, v in other.items() if not v]:
                    del other[c]
        pivots[column] = row
    return {unknowns[column] for column, row in pivots.items() if len(row) == 1}
