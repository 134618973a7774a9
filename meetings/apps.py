from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

RESIDENCE_SCHEDULE = "Nhắc nhận xét nơi cư trú còn chờ (hằng ngày)"


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Hội nghị kiểm điểm, nhận xét nơi cư trú")

    def ready(self) -> None:
        from core.schedules import SCHEDULES, ScheduleSpec

        if not any(spec.name == RESIDENCE_SCHEDULE for spec in SCHEDULES):
            SCHEDULES.append(
                ScheduleSpec(
                    name=RESIDENCE_SCHEDULE,
                    task="meetings.residence_reminders",
                    crontab={"minute": "30", "hour": "7"},
                    kwargs={"remind_after": 7, "escalate_after": 14},
                    description="Nhắc chi bộ nơi cư trú chưa gửi nhận xét đảng viên (sau 7 ngày) và báo cấp ủy "
                    "cấp trên của chi bộ đó (sau 14 ngày).",
                )
            )

