"""Operational tables: the transactional outbox and job heartbeats (no domain data here)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxEvent(models.Model):
    """Work to hand to the broker, written in the writer's own transaction (transactional outbox).

    The relay (`manage.py outbox_relay`, plus a beat job as a backstop) publishes unpublished rows
    when the broker answers; a request never talks to the broker itself. `published_at` is taken
    just before the publish, so any task it started began later than that instant.
    """

    topic = models.CharField(_("loại sự kiện"), max_length=64)
    payload = models.JSONField(_("nội dung"), default=dict)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    published_at = models.DateTimeField(_("chuyển đi lúc"), null=True, blank=True)
    # Roll-up events: set once the cells' roll-up rows are newer than `published_at` (dirty-cells sweep).
    settled_at = models.DateTimeField(_("đã xử lý xong lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần chuyển"), default=0)

    class Meta:
        verbose_name = _("sự kiện chờ chuyển")
        verbose_name_plural = _("sự kiện chờ chuyển")
        indexes = [
            models.Index(fields=["id"], condition=Q(published_at__isnull=True), name="outbox_unpublished"),
            models.Index(
                fields=["topic", "published_at"],
                condition=Q(published_at__isnull=False, settled_at__isnull=True),
                name="outbox_unsettled",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class JobHeartbeat(models.Model):
    """A long job that is running says so every few seconds; the recovery sweep acts on silent ones.

    Written only from a side connection (autocommit), so the beat is visible while the job's own
    transaction is still open, and it stops when the process dies.
    """

    kind = models.CharField(_("loại công việc"), max_length=64)
    key = models.CharField(_("mã công việc"), max_length=128)
    worker = models.CharField(_("tiến trình"), max_length=128, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    beat_at = models.DateTimeField(_("tín hiệu gần nhất"))
    recoveries = models.PositiveSmallIntegerField(_("số lần khôi phục"), default=0)

    class Meta:
        verbose_name = _("tín hiệu công việc")
        verbose_name_plural = _("tín hiệu công việc")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                name="one_heartbeat_per_job",
                violation_error_message=_("Công việc này đã có tín hiệu."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
