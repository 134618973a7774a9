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

