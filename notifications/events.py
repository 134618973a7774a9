"""Event notifications (issue 12): announced inside a write, delivered after commit, exactly once.

A service calls `notify(type=..., **data)` inside its transaction. The item goes into one
`EventBatch` row (or into the open `batch()` if the caller groups several writes: a committee
deciding 12 cells sends one digest per person, not 12). After commit a Celery task delivers it:
recipients are resolved from the items (event_messages.BUILDERS), each person gets one email with
all their sections and one inbox entry, and the reminders' ledger (`ReminderLog`, one row per
recipient and batch, unique) makes a second run of the task send nothing.
"""

from __future__ import annotations

import contextvars
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .claims import LEASE
from .due import Person
from .messages import Section, absolute
from .models import EventBatch, Notification, ReminderKind, ReminderLog, ReminderStatus
from .smtp import SmtpPool

INBOX = "/thong-bao/"
STAGE = "event"

_open_batch: contextvars.ContextVar[list | None] = contextvars.ContextVar("tusoi_event_batch", default=None)


def notify(*, type: str, **data) -> None:  # noqa: A002 - the item's type, as stored
    """Announce an event from inside a write; nothing is sent unless the transaction commits."""
    item = {"type": type, **data}
    collecting = _open_batch.get()
    if collecting is not None:
        collecting.append(item)
        return
    _emit([item])


@contextmanager
def batch() -> Iterator[None]:
    """Group every `notify` inside the block into one batch (one message per recipient)."""
    if _open_batch.get() is not None:  # nested: the outer batch collects
        yield
        return
    items: list[dict] = []
    token = _open_batch.set(items)
    try:
        yield
    finally:
        _open_batch.reset(token)
    if items:
        _emit(items)


def notify_once(*, key: str, items: list[dict]) -> bool:
    """A batch identified by `key` (e.g. a daily reminder stage): created and delivered at most once."""
    row, created = EventBatch.objects.get_or_create(key=key[:120], defaults={"items": items})
    if created:
        from .tasks import deliver_event

        transaction.on_commit(lambda: deliver_event.delay(row.pk))
    return created


def _emit(items: list[dict]) -> EventBatch:
    row = EventBatch.objects.create(key=f"{items[0]['type']}:{uuid.uuid4().hex}", items=items)
    from .tasks import deliver_event

    transaction.on_commit(lambda: deliver_event.delay(row.pk))
    return row


# --- delivery -------------------------------------------------------------------------------------


def event_deliver(*, batch_id: int, connections: int = 2) -> dict:
    """Deliver one batch: claim a ledger row per recipient, send, record. Safe to run twice."""
    from .event_messages import sections_for

    row = EventBatch.objects.filter(pk=batch_id).first()
    if row is None:
        return {"emails": 0, "inbox": 0, "people": 0}
    people: dict[str, Person] = {}
    sections: dict[str, list[Section]] = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):
        for item in row.items:
            for person, section in sections_for(item):
                people.setdefault(person.key, person)
                sections[person.key].append(section)
    run_id = uuid.uuid4()
    owned = _claim(row, people, run_id)
    stats = {"emails": 0, "inbox": 0, "people": len(owned)}
    try:
        outgoing = [(ledger_id, people[key], sections[key]) for ledger_id, key in owned.items()]
        mail = [(lid, _message(p, s)) for lid, p, s in outgoing]
        with_address = [(lid, m) for lid, m in mail if m is not None]
        with SmtpPool(connections) as pool:
            accepted, error = pool.send([m for _lid, m in with_address])
        refused = {lid for (lid, _m), ok in zip(with_address, accepted, strict=True) if not ok}
        delivered = [(lid, p, s) for lid, p, s in outgoing if lid not in refused]
        stats["emails"] = len(with_address) - len(refused)
        stats["inbox"] = _record(row, delivered, run_id)
        if error is not None:
            raise error
    finally:
        ReminderLog.objects.filter(run_id=run_id, status=ReminderStatus.PENDING).update(run_id=None)
    return stats


def _key_of(log_user_id, log_member_id) -> str:
    return f"u{log_user_id}" if log_user_id else f"m{log_member_id}"


def _claim(row: EventBatch, people: dict[str, Person], run_id: uuid.UUID) -> dict[int, str]:
    now = timezone.now()
    logs = [
        ReminderLog(
            user_id=p.user_id,
            member_id=None if p.user_id else int(p.key[1:]),
            kind=ReminderKind.EVENT,
            event=row,
            stage=STAGE,
            run_id=run_id,
            claimed_at=now,
            email=p.email,
        )
        for p in people.values()
    ]
    ReminderLog.objects.bulk_create(logs, ignore_conflicts=True)
    free = Q(run_id__isnull=True) | Q(claimed_at__lt=now - LEASE)
    ReminderLog.objects.filter(free, event=row, status=ReminderStatus.PENDING).update(run_id=run_id, claimed_at=now)
    owned = ReminderLog.objects.filter(event=row, run_id=run_id, status=ReminderStatus.PENDING)
    return {
        pk: key
        for pk, key in ((pk, _key_of(u, m)) for pk, u, m in owned.values_list("pk", "user_id", "member_id"))
        if key in people
    }


def _message(person: Person, sections: list[Section]) -> EmailMultiAlternatives | None:
    if not person.email:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject = sections[0].title if len(sections) == 1 else _("Tự soi: %(n)s thông báo mới") % {"n": len(sections)}
        context = {"name": person.name, "sections": sections, "inbox_url": absolute(INBOX)}
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/email/digest.txt", context),
            to=[formataddr((person.name, person.email))],
        )
        message.attach_alternative(render_to_string("notifications/email/digest.html", context), "text/html")
    return message


@transaction.atomic
def _record(row: EventBatch, delivered: list[tuple[int, Person, list[Section]]], run_id: uuid.UUID) -> int:
    """Mark the delivered rows sent and put one inbox entry per person (one transaction)."""
    if not delivered:
        return 0
    ReminderLog.objects.filter(
        pk__in=[lid for lid, _p, _s in delivered], run_id=run_id, status=ReminderStatus.PENDING
    ).update(status=ReminderStatus.SENT, sent_at=timezone.now())
    inbox = [
        Notification(
            user_id=p.user_id,
            title=s[0].title if len(s) == 1 else _inbox_title(s),
            body="\n\n".join(f"{x.title}\n{x.plain}" if len(s) > 1 else x.plain for x in s),
            link=s[0].path,
            kind=ReminderKind.EVENT,
        )
        for _lid, p, s in delivered
        if p.user_id is not None
    ]
    Notification.objects.bulk_create(inbox)
    if not ReminderLog.objects.filter(event=row, status=ReminderStatus.PENDING).exists():
        EventBatch.objects.filter(pk=row.pk, delivered_at__isnull=True).update(delivered_at=timezone.now())
    return len(inbox)


def _inbox_title(sections: list[Section]) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(first)s và %(n)s thông báo khác") % {"first": sections[0].title, "n": len(sections) - 1}
