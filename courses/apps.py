from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_course_page_permissions(sender, using: str = "default", **kwargs) -> None:
    from courses.permissions import ensure_course_page_permissions

    ensure_course_page_permissions(using=using)


def _course_page_published(sender, **kwargs) -> None:
    # Sessions are edited inline on the page: a published change reaches the feeds now.
    from portal.agenda.cache import agenda_changed

    agenda_changed()


class CoursesConfig(AppConfig):
    name = "courses"
    label = "courses"
    verbose_name = _("Cursussen")
    default_auto_field = "django.db.models.BigAutoField"
    # Site-wide templates whose strings go to this part's catalogue (portal/catalogues.py).
    catalogue_templates = ("courses/*", "emails/course_*", "emails/_course_*")

    def ready(self) -> None:
        post_migrate.connect(
            _ensure_course_page_permissions, sender=self, dispatch_uid="courses-page-permissions"
        )
        from wagtail.signals import page_published, page_unpublished

        from courses import dashboard, registry_hooks
        from courses.models import CoursePage

        page_published.connect(
            _course_page_published, sender=CoursePage, dispatch_uid="courses-agenda-published"
        )
        page_unpublished.connect(
            _course_page_published, sender=CoursePage, dispatch_uid="courses-agenda-unpublished"
        )

        registry_hooks.register()
        dashboard.register()
