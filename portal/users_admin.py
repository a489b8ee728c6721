"""Wagtail's user screens without a way to hand out roles.

Wagtail's user forms offer "administrator" (superuser) and the groups to anyone who may
add or change users, which national staff may. Roles go through the role services
(`portal.services.roles`) and a branch's coordinator list instead; only a superuser
sees those fields here.
"""

from __future__ import annotations

from wagtail.users.views import users

ROLE_FIELDS = ("is_superuser", "is_staff", "groups")


class _RoleFieldsForSuperusersOnly:
    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.request.user.is_superuser:
            for name in ROLE_FIELDS:
                form.fields.pop(name, None)
        return form


class CreateView(_RoleFieldsForSuperusersOnly, users.CreateView):
    pass


class EditView(_RoleFieldsForSuperusersOnly, users.EditView):
    pass


class UserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView
