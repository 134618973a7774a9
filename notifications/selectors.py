"""Reads for the inbox (always the requesting user's own rows)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .counter import unread_get
from .models import Notification


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    """The navigation bar's badge: the cached counter (a COUNT on a partial index only on a miss)."""
    return unread_get(user.pk, lambda: Notification.objects.filter(user=user, read_at__isnull=True).count())


def notification_get_for_user(*, user, pk: int) -> Notification:
    """A notification belongs to one user; anybody else gets a 404 (its existence is not revealed)."""
    notification = Notification.objects.filter(pk=pk, user=user).first()
    if notification is None:
        raise Http404
    return notification
