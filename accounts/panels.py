"""Account progress on the cell and organisation pages (one query each), for those who may invite."""

from __future__ import annotations

from . import selectors
from .services import can_invite


def cell_panel(request, cell):
    if not can_invite(user=request.user, org=cell) and not _acts_on(request.user, cell):
        return None
    return "accounts/panel_progress.html", {"org": cell, "counts": selectors.account_counts(org=cell),
                                             "can_invite": can_invite(user=request.user, org=cell)}


def organization_panel(request, org):
    if not can_invite(user=request.user, org=org):
        return None
    return "accounts/panel_progress.html", {"org": org, "counts": selectors.account_counts(org=org), "can_invite": True}


def _acts_on(user, cell) -> bool:
    from organizations.selectors import user_scope

    return user_scope(user).covers(cell.path, act=True)
