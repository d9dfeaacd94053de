# The materialised page store is gone: the one response cache (api.cache) replaces it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("api", "0001_materialised_pages")]

    operations = [
        migrations.DeleteModel(name="MaterialisedTag"),
        migrations.DeleteModel(name="MaterialisedPage"),
        migrations.DeleteModel(name="MaterialisedEpoch"),
    ]
