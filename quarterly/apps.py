from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

REMINDER_SCHEDULE = "Nhắc đánh giá cán bộ lãnh đạo hằng quý (hằng ngày)"


class QuarterlyConfig(AppConfig):
    name = "quarterly"
    verbose_name = _("Đánh giá cán bộ lãnh đạo hằng quý")

    def ready(self) -> None:
        from core.schedules import SCHEDULES, ScheduleSpec

        if not any(spec.name == REMINDER_SCHEDULE for spec in SCHEDULES):
            SCHEDULES.append(
                ScheduleSpec(
                    name=REMINDER_SCHEDULE,
                    task="quarterly.send_reminders",
                    crontab={"minute": "15", "hour": "7"},
                    kwargs={"days_before": [7, 0]},
                    description="Nhắc cán bộ lãnh đạo tự đánh giá hằng quý (KL 198-KL/TW, HD 02-HD/BTCTW) "
                    "trước hạn của quý (mặc định ngày 15 tháng cuối quý).",
                )
            )
