"""Suppressing small cells: every small cell hidden, and no known sum hiding exactly one."""

from __future__ import annotations

import random

from handlers.reports.suppression import suppress


def test_a_small_cell_hides_a_second_one_so_the_total_does_not_give_it_away() -> None:
    counts = [[2, 0, 7, 5]]  # a row whose total (14) is published elsewhere
    hidden = suppress(counts, [[(0, 0), (0, 1), (0, 2), (0, 3)]], 5)
    # the 2, and the smallest other non-zero cell: 14 − 7 − 0 no longer gives the 2
    assert hidden == {(0, 0), (0, 3)}


def test_a_zero_names_nobody_and_stays_unless_nothing_else_can_hide() -> None:
    assert suppress([[0, 9]], [[(0, 0), (0, 1)]], 5) == set()
    # only a zero is left beside the small cell: the zero hides, or 3 − 0 gives the 3
    assert suppress([[3, 0]], [[(0, 0), (0, 1)]], 5) == {(0, 0), (0, 1)}


def test_columns_with_their_totals_are_protected_too() -> None:
    # two rows and their column totals; rows add up to published totals, columns to the last row
    counts = [[6, 2], [9, 9], [15, 11]]
    rows = [[(r, 0), (r, 1)] for r in range(3)]
    columns = [[(0, c), (1, c), (2, c)] for c in range(2)]
    hidden = suppress(counts, rows + columns, 5)
    assert (0, 1) in hidden
    for line in rows + columns:
        assert sum(cell in hidden for cell in line) != 1


def test_random_tables_never_leave_one_hidden_cell_in_a_known_sum() -> None:
    chance = random.Random(18)
    for _ in range(300):
        height, width = chance.randint(1, 6), chance.randint(2, 8)
        counts = [
            [chance.choice([0, 1, 2, 4, 6, 9, 30]) for _ in range(width)] for _ in range(height)
        ]
        counts.append([sum(column) for column in zip(*counts, strict=True)])
        rows = [[(r, c) for c in range(width)] for r in range(height + 1)]
        columns = [[(r, c) for r in range(height + 1)] for c in range(width)]
        minimum = chance.randint(2, 6)
        hidden = suppress(counts, rows + columns, minimum)
        for r, row in enumerate(counts):
            for c, n in enumerate(row):
                if 0 < n < minimum:
                    assert (r, c) in hidden, (counts, minimum)
        for line in rows + columns:
            assert sum(cell in hidden for cell in line) != 1, (counts, minimum, line)
