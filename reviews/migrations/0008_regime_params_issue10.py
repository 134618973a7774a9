from django.db import migrations

# Parameters whose stored value must follow the new defaults (the old value was never used).
FORCED = ("org_not_completed_disciplined_subunits_ratio", "confidence")


def add_params(apps, schema_editor):
    """Issue 10: the missing rules' parameters per regime (values an administrator set are kept)."""
    from reviews.regimes import REGIMES

    GradingRegime = apps.get_model("reviews", "GradingRegime")
    defaults = {row["code"]: row["params"] for row in REGIMES}
    for regime in GradingRegime.objects.filter(code__in=defaults):
        params = dict(regime.params or {})
        for key, value in defaults[regime.code].items():
            if key in FORCED:
                params[key] = value
            else:
                params.setdefault(key, value)
        if params != regime.params:
            regime.params = params
            regime.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_issue10_facts")]
    operations = [migrations.RunPython(add_params, migrations.RunPython.noop)]
