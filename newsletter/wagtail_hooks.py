"""The newsletter in the Wagtail admin: its screens, a "send" action on the page, a
menu item for the sends, and the rule that a coordinator only touches newsletters of
their own branches (also in the page explorer)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem

from newsletter import admin_views
from newsletter.models import NewsletterIndexPage, NewsletterPage
from newsletter.permissions import (
    can_manage_newsletter,
    can_send_newsletters,
    manageable_newsletters,
)

admin_patterns = [
    path("", admin_views.sends_index, name="sends"),
    path("pagina/<int:page_id>/versturen/", admin_views.send_newsletter, name="send"),
    path("pagina/<int:page_id>/test/", admin_views.send_test, name="send_test"),
    path("verzending/<int:send_id>/", admin_views.progress, name="progress"),
    path("verzending/<int:send_id>/voortgang/", admin_views.progress_json, name="progress_json"),
    path("verzending/<int:send_id>/annuleren/", admin_views.cancel, name="cancel"),
]


@hooks.register("register_admin_urls")
def register_newsletter_admin_urls():
    return [path("nieuwsbrief/", include((admin_patterns, "newsletter_admin")))]


class NewsletterMenuItem(MenuItem):
    def is_shown(self, request):
        return can_send_newsletters(request.user)


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


def _refuse_foreign_newsletter(request, page, *args):
    if page.specific_class is NewsletterPage and not can_manage_newsletter(request.user, page):
        raise PermissionDenied


for _hook in (
    "before_edit_page",
    "before_delete_page",
    "before_copy_page",
    "before_move_page",
    "before_unpublish_page",
):
    hooks.register(_hook, _refuse_foreign_newsletter)


@hooks.register("construct_explorer_page_queryset")
def hide_foreign_newsletters(parent_page, pages, request):
    if parent_page.specific_class is NewsletterIndexPage:
        hidden = NewsletterPage.objects.child_of(parent_page).exclude(
            pk__in=manageable_newsletters(request.user).values("pk")
        )
        return pages.exclude(pk__in=hidden.values("pk"))
    return pages


@hooks.register("after_create_page")
def grant_newsletter_page_permissions(request, page):
    if page.specific_class is NewsletterIndexPage:
        from newsletter.page_permissions import ensure_newsletter_page_permissions

        ensure_newsletter_page_permissions()
