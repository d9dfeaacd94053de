"""One alt-text field: Wagtail's own `description`.

The image form showed Wagtail's "Description" and the project's required "Alt text" side by
side. `description` is what Wagtail itself uses as alt text (rich-text image embeds,
`default_alt_text`), so it stays, becomes required and is explained as the alt text; each
image's `alt_text` moves into it (where both were filled in, `alt_text` wins: it is what the
API served as `alt`), and `alt_text` goes.
"""

from django.db import migrations, models
from django.db.models import F, Q


def move_alt_text_into_description(apps, schema_editor):
    Image = apps.get_model("media", "CustomImage")
    Image.objects.exclude(Q(alt_text="") | Q(alt_text__isnull=True)).update(
        description=F("alt_text")
    )


def move_description_back(apps, schema_editor):
    Image = apps.get_model("media", "CustomImage")
    Image.objects.update(alt_text=F("description"))


class Migration(migrations.Migration):
    dependencies = [("media", "0002_image_rendition_set")]

    operations = [
        migrations.RunPython(move_alt_text_into_description, move_description_back),
        # A default, so that unapplying this migration can add the column back to old rows.
        migrations.AlterField(
            model_name="customimage",
            name="alt_text",
            field=models.CharField(default="", max_length=255),
        ),
        migrations.RemoveField(model_name="customimage", name="alt_text"),
        migrations.AlterField(
            model_name="customimage",
            name="description",
            field=models.CharField(
                default="",
                help_text=(
                    "Describe what the image shows for people who cannot see it (for example: "
                    "'The Lord Mayor of Leeds shakes hands with the Mayor of Lille'). Required: "
                    "a screen reader reads this aloud, and the API serves it as the alt text."
                ),
                max_length=255,
                verbose_name="description (alt text)",
            ),
        ),
    ]
