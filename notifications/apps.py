from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

REMINDER_SCHEDULE = "Nhắc hạn nộp và báo đơn vị chậm (hằng ngày)"


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Nhắc việc, thông báo")

    def ready(self) -> None:
        from core.schedules import SCHEDULES, ScheduleSpec

        if not any(spec.name == REMINDER_SCHEDULE for spec in SCHEDULES):
            SCHEDULES.append(
                ScheduleSpec(
                    name=REMINDER_SCHEDULE,
                    task="notifications.send_reminders",
                    crontab={"minute": "0", "hour": "7"},
                    # editable in the admin: reminder days before each deadline, escalation window
                    kwargs={"days_before": [7, 0], "late_days": 30},
                    description="Nhắc đảng viên, bí thư chi bộ, cấp ủy trước hạn (D-7, D-0) và "
                    "gửi cấp ủy cấp trên danh sách đơn vị chậm sau hạn.",
                )
            )
        from django.db.models.signals import post_delete, post_save

        from .counter import on_notification_saved
        from .models import Notification

        # Single saves (mark read, the admin) drop the owner's unread counter; bulk inserts do it
        # in the service that makes them.
        post_save.connect(on_notification_saved, sender=Notification, dispatch_uid="unread-counter-save")
        post_delete.connect(on_notification_saved, sender=Notification, dispatch_uid="unread-counter-delete")
