"""Domain events between apps, without import cycles.

Writers (commitments, reviews, onboarding services) call these after they change rows; listeners
(the roll-ups) register in their AppConfig.ready(). Listeners must defer real work with
`transaction.on_commit` so nothing runs for a rolled-back write.
"""

from collections.abc import Callable, Iterable

CellsChanged = Callable[[set[int], int], None]
TreeChanged = Callable[[], None]

CELLS_CHANGED: list[CellsChanged] = []
TREE_CHANGED: list[TreeChanged] = []


def cells_changed(*, cell_ids: Iterable[int], year: int) -> None:
    """Rows counted for these cells in `year` changed (reviews, commitments, grades, members)."""
    ids = {int(i) for i in cell_ids if i is not None}
    if not ids:
        return
    for listener in CELLS_CHANGED:
        listener(ids, year)


def tree_changed() -> None:
    """The organisation tree was reorganised (merge, split, move, close)."""
    for listener in TREE_CHANGED:
        listener()


AccessRevoked = Callable[[set[int]], None]
ACCESS_REVOKED: list[AccessRevoked] = []


def access_revoked(*, user_ids: Iterable[int]) -> None:
    """These users lost access they had (a position closed): their open sessions must end."""
    ids = {int(i) for i in user_ids if i is not None}
    if not ids:
        return
    for listener in ACCESS_REVOKED:
        listener(ids)
