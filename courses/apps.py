from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_course_page_permissions(sender, using: str = "default", **kwargs) -> None:
    from courses.permissions import ensure_course_page_permissions

    ensure_course_page_permissions(using=using)


class CoursesConfig(AppConfig):
    name = "courses"
    label = "courses"
    verbose_name = _("Cursussen")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(
            _ensure_course_page_permissions, sender=self, dispatch_uid="courses-page-permissions"
        )
        from courses import registry_hooks

        registry_hooks.register()
