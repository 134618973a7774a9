"""Reads for accounts: activation progress per organisation (one grouped query)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.db.models.functions import Substr

from organizations.models import ACTIVE_STATUSES, Member, Organization

# A user created by an invitation has an unusable password ("!…") until it is activated.
ACTIVATED = Q(user__isnull=False) & ~Q(user__password__startswith="!")
INVITED = Q(user__isnull=False, user__password__startswith="!")


def account_counts(*, org: Organization) -> dict:
    """Members on the roll in the subtree: activated, invited (not yet activated), never invited."""
    row = Member.objects.filter(cell__path__startswith=org.path, status__in=ACTIVE_STATUSES).aggregate(
        members=Count("id"), activated=Count("id", filter=ACTIVATED), invited=Count("id", filter=INVITED)
    )
    row["never"] = row["members"] - row["activated"] - row["invited"]
    return row


def account_counts_by_child(*, org: Organization) -> dict[str, dict]:
    prefix_len = len(org.path) + org.steplen
    rows = (
        Member.objects.filter(cell__path__startswith=org.path, status__in=ACTIVE_STATUSES)
        .annotate(prefix=Substr("cell__path", 1, prefix_len))
        .values("prefix")
        .annotate(members=Count("id"), activated=Count("id", filter=ACTIVATED), invited=Count("id", filter=INVITED))
    )
    return {r["prefix"]: r for r in rows}
