"""The branch filter of the admin listings (volunteers, referrals, matches, intervision
groups): the branches the user may see, as a select written in Python.

A model choice field reads its options as model instances, through a server-side
cursor on PostgreSQL (`QuerySet.iterator()`: three round trips to the server), and
builds each option from an instance. A branch is a ClusterableModel, expensive to
construct: for national staff's sixty branches that was 3.6 ms of every listing, where
the demo's three cost next to nothing, and the largest part of what the volunteer search
gains from the demo to national size (bench/bench_scale.py, docs/scale.md). A branch's
option needs only its id and its name (`Branch.__str__`): read as plain values, in one
query. Choosing, validating and filtering are the model choice field's own, unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from portal.models import Branch
from portal.widgets import PlainSelect


class _BranchOptions(ModelChoiceIterator):
    """Options `(id, name)`, the empty one first, as Django's iterator gives them but
    for the option's value: the id itself, which every widget writes the same way, not
    a `ModelChoiceIteratorValue` holding an instance."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.queryset.values_list("pk", "name")


class BranchChoiceField(ModelChoiceField):
    iterator = _BranchOptions


class BranchFilter(django_filters.ModelChoiceFilter):
    """The "Afdeling" filter: one of the branches `scope(user)` gives (a `Branch`
    queryset method such as `Branch.objects.coordinated_by`), none without a request."""

    field_class = BranchChoiceField

    def __init__(self, *, scope: Callable[..., QuerySet[Branch]], **kwargs):
        def branches_of_request(request) -> QuerySet[Branch]:
            if request is None:
                return Branch.objects.none()
            return scope(request.user)

        kwargs.setdefault("label", _("Afdeling"))
        kwargs.setdefault("widget", PlainSelect)
        super().__init__(queryset=branches_of_request, **kwargs)
