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


def request_unread_count(request) -> int:
    """The badge's count once per request (the inbox shows it too; its page then costs one cache read)."""
    cached = getattr(request, "_tusoi_unread", None)
    if cached is None:
        cached = request._tusoi_unread = unread_count(user=request.user)
    return cached


def notification_get_for_user(*, user, pk: int) -> Notification:
    """A notification belongs to one user; anybody else gets a 404 (its existence is not revealed)."""
    notification = Notification.objects.filter(pk=pk, user=user).first()
    if notification is None:
        raise Http404
    return notification
