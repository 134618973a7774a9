from django.db import migrations


def load_regimes(apps, schema_editor):
    from reviews.regimes import REGIMES

    GradingRegime = apps.get_model("reviews", "GradingRegime")
    for row in REGIMES:
        GradingRegime.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_gradingregime_reviewcycle_orgreview_memberreview_and_more")]
    operations = [migrations.RunPython(load_regimes, migrations.RunPython.noop)]
