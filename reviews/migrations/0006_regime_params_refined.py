from django.db import migrations

NEW_KEYS = {
    "org_not_completed_leadership_discipline_kinds": ["WARNING", "REMOVAL", "EXPULSION"],
    "org_excellent_requires_no_leadership_discipline": True,
}


def refine(apps, schema_editor):
    """Add the organisation-discipline parameters to existing regimes (values already set are kept)."""
    GradingRegime = apps.get_model("reviews", "GradingRegime")
    for regime in GradingRegime.objects.all():
        params = dict(regime.params or {})
        for key, value in NEW_KEYS.items():
            params.setdefault(key, value)
        if regime.code == "QD132-2018":
            params.setdefault("self_remedied_discipline_exempt", False)
        if params != regime.params:
            regime.params = params
            regime.save(update_fields=["params"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_review_workflow")]
    operations = [migrations.RunPython(refine, migrations.RunPython.noop)]
