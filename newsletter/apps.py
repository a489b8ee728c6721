from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _after_migrate(sender, using: str = "default", **kwargs) -> None:
    from newsletter.page_permissions import ensure_newsletter_archives
    from newsletter.schedules import ensure_schedules

    ensure_schedules(using=using)
    ensure_newsletter_archives(using=using)


def _branch_saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    """A new branch gets its own newsletter archive (and its coordinators the rights)."""
    if raw or not created:
        return
    from newsletter.page_permissions import branch_created

    branch_created(instance)


def _resume_after_worker_start(sender, proc_name: str = "", **kwargs) -> None:
    """The newsletter cluster (re)started: finish what the previous one left, without
    waiting for the minute schedule. Every worker start asks; one copy is queued."""
    from django.conf import settings
    from django_q.conf import Conf

    from newsletter.queueing import request_resume

    if Conf.SYNC:  # inline tasks run "a worker" for every task: nothing was interrupted
        return
    if settings.NEWSLETTER_CLUSTER and Conf.CLUSTER_NAME != settings.NEWSLETTER_CLUSTER:
        return  # the site's own cluster: newsletter work is not done there
    request_resume(after_restart=True)


class NewsletterConfig(AppConfig):
    name = "newsletter"
    label = "newsletter"
    verbose_name = _("Nieuwsbrief")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from django_q.signals import post_spawn

        from newsletter import dashboard
        from newsletter.demo import build_newsletter_demo
        from newsletter.mijn import export_newsletter_data, newsletter_mijn_section
        from newsletter.page_permissions import seed_scale_archives
        from portal.models import Branch
        from portal.registry import (
            register_demo_builder,
            register_mijn_section,
            register_personal_data_exporter,
            register_scale_seeder,
        )

        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="newsletter-after-migrate")
        post_save.connect(_branch_saved, sender=Branch, dispatch_uid="newsletter-branch-archive")
        post_spawn.connect(_resume_after_worker_start, dispatch_uid="newsletter-resume")
        register_mijn_section(newsletter_mijn_section, order=60)
        register_personal_data_exporter(export_newsletter_data)
        register_demo_builder("newsletter", build_newsletter_demo, order=60)
        register_scale_seeder("newsletter", seed_scale_archives, order=70)
        dashboard.register()
