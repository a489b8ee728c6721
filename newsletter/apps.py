from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, using: str = "default", **kwargs) -> None:
    from newsletter.page_permissions import ensure_newsletter_page_permissions
    from newsletter.schedules import ensure_schedules

    ensure_schedules(using=using)
    ensure_newsletter_page_permissions(using=using)


def _resume_after_worker_start(sender, proc_name: str = "", **kwargs) -> None:
    """A cluster (re)start: finish what the previous one left, without waiting for the
    minute schedule."""
    from django_q.conf import Conf
    from django_q.tasks import async_task

    if Conf.SYNC:  # inline tasks run "a worker" for every task: nothing was interrupted
        return
    async_task("newsletter.tasks.resume_sends", True)


class NewsletterConfig(AppConfig):
    name = "newsletter"
    label = "newsletter"
    verbose_name = _("Nieuwsbrief")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_q.signals import post_spawn

        from newsletter.demo import build_newsletter_demo
        from newsletter.mijn import export_newsletter_data, newsletter_mijn_section
        from portal.registry import (
            register_demo_builder,
            register_mijn_section,
            register_personal_data_exporter,
        )

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="newsletter-after-migrate")
        post_spawn.connect(_resume_after_worker_start, dispatch_uid="newsletter-resume")
        register_mijn_section(newsletter_mijn_section, order=60)
        register_personal_data_exporter(export_newsletter_data)
        register_demo_builder("newsletter", build_newsletter_demo, order=60)
