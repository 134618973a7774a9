from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Tự soi"

    def ready(self) -> None:
        # Yearly demo data on top of the seeded tree: commitments first, then reviews.
        from commitments.seeding import seed_commitments
        from organizations.seeding import SEED_HOOKS
        from reviews.seeding import seed_reviews

        for hook in (seed_commitments, seed_reviews):
            if hook not in SEED_HOOKS:
                SEED_HOOKS.append(hook)

        from .schedules import SCHEDULES, ScheduleSpec

        recover = ScheduleSpec(
            name="Vận hành: khôi phục công việc bị gián đoạn (20 giây một lần)",
            task="core.recover",
            every_seconds=20,
            description="Resume or fail jobs whose heartbeat stopped, re-queue roll-ups that never ran, relay the outbox.",
        )
        if recover not in SCHEDULES:
            SCHEDULES.append(recover)
