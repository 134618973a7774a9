"""Inbox views: the user's own notifications only (someone else's notification is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.params import page_number, site_path

from . import services
from .selectors import notification_get_for_user, notifications_for, request_unread_count

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_for(user=request.user), PAGE_SIZE).get_page(page_number(request.GET.get("trang")))
    return render(request, "notifications/inbox.html", {"page": page, "unread": request_unread_count(request)})


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark read, then go to the page to act on (only a path on this site)."""
    notification = notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    target = site_path(notification.link)
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("notifications:inbox")
    return redirect(target)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = notification_get_for_user(user=request.user, pk=pk)
    services.notification_mark_read(notification=notification)
    return redirect("notifications:inbox")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("notifications:inbox")
