from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The project's own user model, in place from the first migration so it can grow later."""

    class Meta:
        db_table = "cms_user"


class LoginFailure(models.Model):
    """One failed admin login (cms.middleware.LoginThrottleMiddleware counts them). Kept in the
    database, not the cache, so the throttle holds while Redis is down."""

    address = models.GenericIPAddressField(unpack_ipv4=True)
    username = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "at"], name="cms_loginfailure_address_at")]

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M:%S}"
