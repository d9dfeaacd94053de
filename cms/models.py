from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """The project's own user model, in place from the first migration so it can grow later."""

    class Meta:
        db_table = "cms_user"
