"""The newsletter in the Wagtail admin: its screens, a "send" action on the page and a
menu item for the sends. Which newsletters a coordinator may touch follows from
Wagtail's page rights on the branch archives (`newsletter.page_permissions`) and the
page's permission tester; no hook is needed for it."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem

from newsletter import admin_views
from newsletter.models import NewsletterPage
from newsletter.permissions import (
    can_manage_newsletter,
    can_send_newsletters,
    readable_newsletters_filter,
)

admin_patterns = [
    path("", admin_views.sends_index, name="sends"),
    path("schrijven/", admin_views.write_newsletter, name="write"),
    path("pagina/<int:page_id>/versturen/", admin_views.send_newsletter, name="send"),
    path("pagina/<int:page_id>/test/", admin_views.send_test, name="send_test"),
    path("verzending/<int:send_id>/", admin_views.progress, name="progress"),
    path("verzending/<int:send_id>/voortgang/", admin_views.progress_json, name="progress_json"),
    path("verzending/<int:send_id>/annuleren/", admin_views.cancel, name="cancel"),
    path(
        "verzending/<int:send_id>/onzeker-opnieuw/",
        admin_views.resend_uncertain,
        name="resend_uncertain",
    ),
]


@hooks.register("register_log_actions")
def register_newsletter_log_actions(actions):
    actions.register_action(
        "newsletter.resend_uncertain",
        _("Onzekere bezorgingen opnieuw versturen"),
        _("Onzekere bezorgingen opnieuw verstuurd"),
    )


@hooks.register("register_admin_urls")
def register_newsletter_admin_urls():
    return [path("nieuwsbrief/", include((admin_patterns, "newsletter_admin")))]


class NewsletterMenuItem(MenuItem):
    def is_shown(self, request):
        return can_send_newsletters(request.user)


@hooks.register("register_admin_menu_item")
def register_write_newsletter_menu_item():
    return NewsletterMenuItem(
        _("Nieuwsbrief schrijven"),
        reverse("newsletter_admin:write"),
        icon_name="edit",
        order=390,
    )


@hooks.register("register_admin_menu_item")
def register_newsletter_menu_item():
    return NewsletterMenuItem(
        _("Verzonden nieuwsbrieven"),
        reverse("newsletter_admin:sends"),
        icon_name="mail",
        order=400,
    )


class SendMenuItem(ActionMenuItem):
    name = "action-send-newsletter"
    label = _("Versturen…")
    icon_name = "mail"
    order = 90

    def is_shown(self, context):
        page = context.get("page")
        return (
            context.get("view") == "edit"
            and isinstance(page, NewsletterPage)
            and can_manage_newsletter(context["request"].user, page)
        )

    def get_url(self, context):
        return reverse("newsletter_admin:send", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def register_send_menu_item():
    return SendMenuItem()


@hooks.register("construct_page_chooser_queryset")
def hide_unreadable_newsletters_in_the_chooser(pages, request):
    """Wagtail's page chooser lists every page, whatever the rights (linking is not a
    page permission): it offers only the newsletters this person may read on the site,
    the same predicate as the page itself."""
    readable = NewsletterPage.objects.filter(readable_newsletters_filter(request.user))
    unreadable = NewsletterPage.objects.exclude(pk__in=readable.values("pk"))
    return pages.exclude(pk__in=unreadable.values("pk"))
