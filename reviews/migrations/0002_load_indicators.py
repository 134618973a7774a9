from django.db import migrations


def load_indicators(apps, schema_editor):
    from reviews.indicator_data import INDICATORS

    Indicator = apps.get_model("reviews", "Indicator")
    for row in INDICATORS:
        Indicator.objects.update_or_create(
            code=row["code"],
            defaults={
                "group": row["code"][:2],
                "number": row["number"],
                "label_vi": row["label_vi"],
                "label_en": row["label_en"],
                "confidence": row["confidence"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(load_indicators, migrations.RunPython.noop)]
