"""Writes: the reminder run (select → claim → deliver → record) and the inbox's read marks."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .claims import claims_mark_sent, claims_release, claims_take
from .due import DueItem, Person, reminders_due
from .messages import Section, absolute, section_for
from .models import Notification
from .smtp import SmtpPool

INBOX = "/thong-bao/"


@dataclass(frozen=True)
class Outgoing:
    person: Person
    ledger_ids: tuple[int, ...]
    sections: tuple[Section, ...]
    message: EmailMessage | None  # None: no address, the inbox is the only channel


def reminders_run(
    *,
    on: dt.date,
    days_before: Iterable[int] = (7, 0),
    late_days: int = 30,
    batch_size: int = 500,
    connections: int | None = None,
) -> dict:
    """Send every reminder due on `on` that has not been sent: one message per person.

    Safe to run twice and concurrently (the ledger's unique constraint); an SMTP failure
    leaves the undelivered rows unsent and re-raises for the task's retry. Not one transaction
    on purpose: it spans minutes of SMTP, so each batch is recorded atomically once accepted.
    """
    due = reminders_due(on=on, days_before=days_before, late_days=late_days)
    run_id = uuid.uuid4()
    owned = claims_take(items=due.items, run_id=run_id, emails={k: p.email for k, p in due.people.items()})
    by_person: dict[str, list[tuple[int, DueItem]]] = defaultdict(list)
    for ledger_id, item in owned.items():
        by_person[item.person].append((ledger_id, item))
    stats = {"due": len(due.items), "claimed": len(owned), "emails": 0, "inbox": 0, "people": len(by_person)}
    try:
        connections = connections or getattr(settings, "NOTIFICATIONS_SMTP_CONNECTIONS", 4)
        _deliver(due.people, by_person, run_id, batch_size, connections, stats)
    finally:
        claims_release(run_id=run_id)  # whatever is still PENDING here was not delivered
    return stats


def _deliver(
    people: dict[str, Person], by_person: dict, run_id: uuid.UUID, batch_size: int, connections: int, stats: dict
) -> None:
    """Batches of messages over a few long-lived SMTP connections; record each batch as it is accepted."""
    keys = sorted(by_person)
    with SmtpPool(connections) as pool:
        for start in range(0, len(keys), batch_size):
            batch = [_compose(people[k], by_person[k]) for k in keys[start : start + batch_size]]
            mail = [out for out in batch if out.message is not None]
            accepted, error = pool.send([out.message for out in mail])
            refused = {id(out) for out, ok in zip(mail, accepted, strict=True) if not ok}
            delivered = [out for out in batch if id(out) not in refused]
            stats["emails"] += len(mail) - len(refused)
            stats["inbox"] += _record(delivered, run_id)
            if error is not None:
                raise error


def _compose(person: Person, rows: list[tuple[int, DueItem]]) -> Outgoing:
    rows.sort(key=lambda r: (r[1].is_late, r[1].deadline, r[1].kind))
    with translation.override(settings.LANGUAGE_CODE):
        sections = tuple(section_for(item) for _, item in rows)
        message = None
        if person.email:
            subject = (
                sections[0].title if len(sections) == 1 else _("Tự soi: %(n)s việc cần làm") % {"n": len(sections)}
            )
            context = {"name": person.name, "sections": sections, "inbox_url": absolute(INBOX)}
            message = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("notifications/email/digest.txt", context),
                to=[formataddr((person.name, person.email))],
            )
            message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    return Outgoing(person, tuple(r[0] for r in rows), sections, message)


@transaction.atomic
def _record(accepted: list[Outgoing], run_id: uuid.UUID) -> int:
    """Mark delivered rows sent and put the reminders in the recipients' inboxes (one transaction)."""
    if not accepted:
        return 0
    claims_mark_sent(ids=[i for out in accepted for i in out.ledger_ids], run_id=run_id)
    inbox = [
        Notification(user_id=out.person.user_id, title=s.title, body=s.plain, link=s.path, kind=s.kind)
        for out in accepted
        if out.person.user_id is not None
        for s in out.sections
    ]
    Notification.objects.bulk_create(inbox, batch_size=1000)
    return len(inbox)


# --- inbox ----------------------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notifications_send(*, user_ids: Iterable[int], title: str, body: str = "", link: str = "", kind: str = "") -> int:
    """Put one message in each user's inbox (e.g. a report to the superior committee). Returns the count."""
    rows = [Notification(user_id=uid, title=title[:255], body=body, link=link, kind=kind) for uid in set(user_ids)]
    Notification.objects.bulk_create(rows)
    return len(rows)
