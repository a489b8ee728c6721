"""The small-cell rule: counts 1 to 4 hidden, and the next-smallest cell of a line whose
total would give a hidden cell back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.services import build_table
from reports.suppression import Ledger, determined_keys, percentage, suppress, with_totals


def test_counts_from_one_to_four_are_hidden_zero_and_five_are_not():
    assert suppress([[0, 1, 4, 5, 12]]) == [[False, True, True, False, False]]


def test_one_hidden_cell_in_a_row_with_its_total_hides_the_next_smallest():
    # 3 + 7 + 20 = 30 shown: without the second hidden cell, 30 - 7 - 20 gives the 3.
    assert suppress([[3, 7, 20]], row_totals=True) == [[True, True, False, False]]


def test_without_a_shown_total_one_hidden_cell_is_enough():
    assert suppress([[3, 7, 20]]) == [[True, False, False]]


def test_two_hidden_cells_in_a_row_need_nothing_more():
    assert suppress([[3, 2, 20]], row_totals=True) == [[True, True, False, False]]


def test_a_small_total_is_hidden_itself_so_the_line_gives_nothing_away():
    assert suppress([[3, 0, 0]], row_totals=True) == [[True, False, False, True]]


def test_secondary_suppression_follows_columns_too():
    counts = [[3, 10], [8, 12], [9, 30]]
    hidden = suppress(counts, column_totals=True)
    assert hidden == [[True, False], [True, False], [False, False], [False, False]]


def test_a_total_column_is_a_cell_of_its_column():
    # Programme A hides 3 and then 5 (its column total 14 is shown); the 5's row total
    # would give it back, so that total is hidden as well.
    counts = [[6, 0], [3, 0], [5, 0]]
    hidden = suppress(counts, row_totals=True, column_totals=True)
    assert hidden[2] == [True, False, True]
    assert hidden[1] == [True, False, True]
    assert hidden[0] == [False, False, False]


def test_secondary_suppression_repeats_until_no_line_gives_a_cell_away():
    counts = [[2, 6, 30], [20, 7, 40]]
    hidden = suppress(counts, row_totals=True, column_totals=True)
    assert hidden[0][:2] == [True, True]
    assert hidden[1][1] is True
    for line in (*hidden, *zip(*hidden, strict=True)):
        assert sum(line) != 1


def test_when_only_zeros_are_left_a_zero_is_hidden_with_the_small_cell():
    assert suppress([[3, 0, 6]], row_totals=True) == [[True, False, True, False]]
    assert suppress([[3, 0, 0], [6, 0, 0]], column_totals=True)[0] == [True, False, False]


def test_a_lone_row_with_a_hidden_cell_hides_its_total_too():
    table = build_table(
        caption="t", row_header="r", columns=["A"], labels=["x"], counts=[[3]], column_totals=True
    )
    assert [str(row.cells[0]) for row in table.rows] == ["x", "x"]
    wide = build_table(
        caption="t", row_header="r", columns=["A"], labels=["x"], counts=[[8]], row_totals=True
    )
    assert [str(cell) for cell in wide.rows[0].cells] == ["8", "8"]


def test_percentage_needs_five_families_and_a_shown_count():
    assert percentage(2, 4) is None
    assert percentage(5, 20) == 25.0
    assert percentage(3, 20, hidden=True) is None


def test_build_table_hides_cells_totals_and_their_percentages():
    table = build_table(
        caption="t",
        row_header="r",
        columns=["A", "B"],
        labels=["x", "y"],
        counts=[[3, 10], [6, 8]],
        row_totals=True,
        percent_bases=[9, 18, 27],
    )
    x, y = table.rows
    assert [str(cell) for cell in x.cells] == ["x", "x", "13"]
    assert x.cells[0].percent is None and x.cells[1].percent is None
    assert x.cells[2].percent == round(100 * 13 / 27, 1)
    assert [str(cell) for cell in y.cells] == ["6", "8", "14"]


@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=3),
        min_size=1,
        max_size=6,
    ).filter(lambda rows: len({len(row) for row in rows}) == 1),
    st.booleans(),
    st.booleans(),
)
def test_no_line_with_a_shown_total_ever_holds_exactly_one_hidden_cell(counts, rows, columns):
    grid = with_totals(counts, row_totals=rows, column_totals=columns)
    hidden = suppress(counts, row_totals=rows, column_totals=columns)
    for values, flags in zip(grid, hidden, strict=True):
        assert all(flag for value, flag in zip(values, flags, strict=True) if 1 <= value <= 4)
    lines = []
    if rows:
        lines += list(hidden)
    if columns:
        lines += [list(column) for column in zip(*hidden, strict=True)]
    for flags in lines:
        assert sum(flags) != 1, (grid, hidden)


def test_the_ledger_hides_a_figure_that_sums_together_pin_down():
    # Three printed sums, each with two hidden parts: no line holds exactly one hidden
    # figure, yet x = (T1 - T2 + T3) / 2. The ledger sees it and hides a total too.
    ledger = Ledger()
    for key, value in {"x": 3, "y": 2, "w": 4, "T1": 5, "T2": 6, "T3": 7}.items():
        ledger.add(key, value)
    ledger.relate("T1", ["x", "y"])
    ledger.relate("T2", ["y", "w"])
    ledger.relate("T3", ["x", "w"])
    assert determined_keys(ledger.values, ledger.lines, {"x", "y", "w"}) == {"x", "y", "w"}
    hidden = ledger.solve()
    assert {"x", "y", "w"} < hidden
    assert determined_keys(ledger.values, ledger.lines, hidden) == set()


def test_one_figure_in_two_tables_is_hidden_in_both_and_hides_its_percentages():
    # The families per programme: a row of one table, the total row of another, the
    # bases of the percentages of a third.
    ledger = Ledger()
    for key, value in {("f", "a"): 20, ("f", "b"): 3, ("f", "*"): 23, ("q", "a"): 20}.items():
        ledger.add(key, value)
    ledger.relate(("f", "*"), [("f", "a"), ("f", "b")])
    assert ledger.hidden(("f", "a")) and ledger.hidden(("f", "b"))
    assert not ledger.hidden(("f", "*"))
    assert ledger.percent(("q", "a"), ("f", "a")) is None
    assert ledger.percent(("q", "a"), ("f", "*")) == 87.0


def test_one_key_with_two_values_is_a_bug_not_a_figure():
    ledger = Ledger()
    ledger.add("k", 5)
    ledger.add("k", 5)
    with pytest.raises(ValueError):
        ledger.add("k", 6)
