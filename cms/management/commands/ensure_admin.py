"""Make sure an admin account exists: from DJANGO_SUPERUSER_* when set, otherwise a generated
password, created once and printed once (never a fixed password)."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the admin account if missing (DJANGO_SUPERUSER_USERNAME/PASSWORD/EMAIL)."

    def handle(self, *args, **options):
        User = get_user_model()
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        email = os.environ.get("DJANGO_SUPERUSER_EMAIL", "admin@example.com")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        user = User.objects.filter(username=username).first()
        if user is not None:
            if password and not user.check_password(password):
                user.set_password(password)
                user.save(update_fields=["password"])
                self.stdout.write(
                    f"Admin '{username}': password updated from DJANGO_SUPERUSER_PASSWORD."
                )
            else:
                self.stdout.write(f"Admin '{username}' exists.")
            return
        generated = not password
        if generated:
            password = secrets.token_urlsafe(16)
        User.objects.create_superuser(username=username, email=email, password=password)
        if generated:
            self.stdout.write(
                self.style.WARNING(
                    f"Created admin '{username}' with password: {password}\n"
                    "It is shown only this once; set DJANGO_SUPERUSER_PASSWORD to choose your own."
                )
            )
        else:
            self.stdout.write(f"Created admin '{username}' from DJANGO_SUPERUSER_* settings.")
