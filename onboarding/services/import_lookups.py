"""The prefetches of a dry run: a handful of queries, then dictionary and set lookups per row."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import nfc
from organizations.models import Member, Organization, Position

from ..columns import fold
from .import_types import CHUNK, MEMBER_FIELDS, ImportScope, OrgRef


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_members(cards: set[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for chunk in chunks(sorted(cards)):
        for row in Member.objects.filter(party_card_number__in=chunk).values(
            "id", "party_card_number", "cell_id", *MEMBER_FIELDS
        ):
            found[row["party_card_number"]] = row
    return found


def users_and_positions(usernames: set[str]) -> tuple[dict[str, int], set[tuple]]:
    users = dict(get_user_model().objects.filter(username__in=usernames).values_list("username", "id"))
    today = timezone.localdate()
    positions = set(
        Position.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today), user_id__in=users.values()
        ).values_list("user_id", "organization_id", "kind")
    )
    return users, positions


class PathIndex:
    """Resolve "Đảng bộ xã An Hòa / Chi bộ Tổ 1" (a suffix of the full name path) to one current organisation."""

    def __init__(self, scope: ImportScope, raw_paths: set[str]):
        self.scope = scope
        self.by_last: dict[str, list[tuple[list[str], OrgRef]]] = {}
        wanted = [split_path(p) for p in raw_paths]
        last_names = {p[-1] for p in wanted if p}
        if not last_names:
            return
        today = timezone.localdate()
        current = Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        candidates = list(
            Organization.objects.filter(current, name__in=last_names).values_list("id", "code", "kind", "name", "path")
        )
        ancestor_paths = {
            path[:i] for *_, path in candidates for i in range(Organization.steplen, len(path), Organization.steplen)
        }
        names = dict(Organization.objects.filter(path__in=ancestor_paths).values_list("path", "name"))
        for pk, code, kind, name, path in candidates:
            chain = [
                fold(names.get(path[:i], "")) for i in range(Organization.steplen, len(path), Organization.steplen)
            ]
            self.by_last.setdefault(fold(name), []).append(
                (chain + [fold(name)], OrgRef(code, kind, name, id=pk, path=path))
            )

    def get(self, raw: str) -> OrgRef | str:
        parts = [fold(p) for p in split_path(raw)]
        matches = [
            ref for chain, ref in self.by_last.get(parts[-1] if parts else "", []) if chain[-len(parts) :] == parts
        ]
        in_scope = [ref for ref in matches if self.scope.covers(ref.path)]
        if len(in_scope) == 1:
            return in_scope[0]
        if len(in_scope) > 1:
            return _("Đường dẫn “%(path)s” khớp với nhiều tổ chức; hãy ghi đủ các cấp hoặc dùng mã.") % {"path": raw}
        return _("Không tìm thấy tổ chức theo đường dẫn “%(path)s” trong phạm vi được giao.") % {"path": raw}


def split_path(raw: str) -> list[str]:
    return [nfc(p) for p in raw.replace(">", "/").split("/") if nfc(p)]
