from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations, models
from django.utils import timezone

# Django's database cache backend keeps its entries here (settings: `CACHES` without Redis).
CACHE_TABLE = "api_cache_entry"


def create_generation(apps, schema_editor):
    Generation = apps.get_model("api_cache", "Generation")
    Generation.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"value": 1, "changed_at": timezone.now()}
    )


def create_cache_table(apps, schema_editor):
    # Always, whatever CACHES says today: an operator may drop REDIS_URL later.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Generation",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
                ("changed_at", models.DateTimeField()),
                ("next_expiry", models.DateTimeField(blank=True, null=True)),
            ],
        ),
        migrations.RunPython(create_generation, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
