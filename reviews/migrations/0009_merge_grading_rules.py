from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reviews", "0007_decided_means_decided"), ("reviews", "0008_regime_params_issue10")]
    operations = []
