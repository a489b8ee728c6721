from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """An account. People log in with their e-mail address; there is no username."""

    username = None
    email = models.EmailField(_("e-mailadres"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    # Accounts are not content: Wagtail's "usage" tracking of them would only cost a
    # background task on every save of anything that points at a user.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["last_name", "first_name", "email"]
        # The volunteer list's order (by name): the first page of 5,000 volunteers is
        # read along this index instead of sorting them all.
        indexes = [models.Index(fields=["last_name", "first_name"], name="portal_user_name_idx")]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)
