"""Member search: accent-insensitive by name, exact by party card, inside the user's scope.

Names match as accent-free lower-case substrings of `Member.search_name` (LIKE '%…%'), which the
pg_trgm GIN index answers on PostgreSQL; a query of digits only is a party card number and matches
exactly (unique index). Results: the first `limit` matches, shown in Vietnamese name order, with no COUNT.
The app's committee search and the admin changelists use the same filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from core.text import ascii_fold, nfc

from .models import Member, Organization
from .selectors import members_readable

CARD = re.compile(r"^\d{4,20}$")
MIN_NAME = 2
LIMIT = 50


def members_matching(members: QuerySet[Member], text: str) -> QuerySet[Member]:
    """Filter `members` by a search text (a name part, with or without accents, or a card number)."""
    text = nfc(text or "").strip()
    if CARD.match(text):
        return members.filter(party_card_number=text)
    folded = " ".join(ascii_fold(text).split())
    if len(folded) < MIN_NAME:
        return members.none()
    return members.filter(search_name__contains=folded)


@dataclass(frozen=True)
class SearchResult:
    members: list[Member]
    more: bool  # more than `limit` matched: the user should narrow the query


def member_search(*, user, text: str, within: Organization | None = None, limit: int = LIMIT) -> SearchResult:
    """Members the user may read matching `text`, optionally inside one organisation's subtree."""
    members = members_readable(user=user)
    if within is not None:
        members = members.filter(cell__path__startswith=within.path)
    # The first matches in storage (id) order, then sorted by name: a common name ("nguyen van")
    # matches a fifth of the country, and sorting all of them by name to show 50 costs a second;
    # in id order the scan stops after a few hundred rows. A rare name is found through the
    # trigram index either way.
    rows = list(members_matching(members, text).select_related("cell").order_by("id")[: limit + 1])
    more = len(rows) > limit
    rows = sorted(rows[:limit], key=lambda m: (m.sort_key, m.id))
    return SearchResult(members=rows, more=more)
