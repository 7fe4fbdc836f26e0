"""Which cells of a table of counts to hide so that no small group shows, not even by
subtraction.

Primary suppression: a cell counting 1 to `min_group` − 1 people is hidden (a cell of zero
names nobody and is shown). Complementary suppression: a set of cells whose sum is known (a
row's cells of one dimension, whose total is the row's total; a column with its total) must
never hide exactly one cell, or that cell is the known sum minus the others. While some line
hides exactly one, the smallest other cell of that line is hidden too (a non-zero one first).
The rule is the usual one-line heuristic of statistical offices' tools (τ-Argus's "hypercube"
idea, simplified): it stops every one-step subtraction; combining several lines' equations
could still narrow a hidden cell down in rare layouts, which is why every reader gets the same
suppressed table and nothing finer.
"""

from __future__ import annotations

from collections.abc import Sequence

Cell = tuple[int, int]  # (row, column)


def suppress(
    counts: Sequence[Sequence[int]],
    lines: Sequence[Sequence[Cell]],
    min_group: int,
    fixed: frozenset[Cell] = frozenset(),
) -> set[Cell]:
    """The cells of `counts` to hide. `lines`: each a set of cells whose sum a reader knows (or
    that, with a total cell among them, add up to it); `fixed`: cells shown anyway (totals
    published elsewhere) that are never chosen to hide."""
    hidden = {
        (r, c)
        for r, row in enumerate(counts)
        for c, n in enumerate(row)
        if 0 < n < min_group and (r, c) not in fixed
    }
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for cell in line if cell in hidden) != 1:
                continue
            others = [cell for cell in line if cell not in hidden and cell not in fixed]
            if not others:
                continue  # only published totals are left: the line's hidden cell is exact
            # the smallest non-zero cell, else a zero: the least information lost
            pick = min(others, key=lambda cell: (counts[cell[0]][cell[1]] == 0, _n(counts, cell)))
            hidden.add(pick)
            changed = True
    return hidden


def _n(counts: Sequence[Sequence[int]], cell: Cell) -> int:
    return counts[cell[0]][cell[1]]
