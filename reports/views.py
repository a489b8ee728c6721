"""The annual report in the Wagtail admin: the screen, the XLSX and the print view.

All three parse the same form, check the same permission and render the same `Report`
(`reports.services.build_report`); the counting is there, not here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.permissions import is_national_staff
from reports.charts import bar_chart
from reports.forms import ALL_BRANCHES, ReportForm
from reports.permissions import can_view_reports, report_branches
from reports.services import Report, ReportScope, build_report, national_totals_line
from reports.xlsx import build_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(request) -> ReportForm:
    if not can_view_reports(request.user):
        raise PermissionDenied
    national = is_national_staff(request.user)
    branches = list(report_branches(request.user).order_by("name"))
    data = request.GET.copy() if request.GET else QueryDict(mutable=True)
    if "afdeling" not in data:
        data["afdeling"] = ALL_BRANCHES if national or not branches else str(branches[0].pk)
    if not any(data.get(key) for key in ("jaar", "van", "tot")):
        data["jaar"] = str(timezone.localdate().year)
    chosen = data.get("afdeling", "")
    if chosen.isdigit() and chosen not in {str(branch.pk) for branch in branches}:
        raise Http404  # another branch's report: as if it did not exist
    return ReportForm(data, branches=branches, national=national)


def _report(form: ReportForm) -> Report:
    data = form.cleaned_data
    branch = data["branch"]
    scope = ReportScope(
        period=data["period"],
        branch_ids=None if branch is None else (branch.pk,),
        municipality_id=data["gemeente"].pk if data.get("gemeente") else None,
    )
    label = branch.name if branch is not None else _("Alle afdelingen")
    return build_report(scope, scope_label=label)


def _context(form: ReportForm, report: Report | None) -> dict:
    context = {"form": form, "report": report, "query": ""}
    if report is None:
        return context
    context["query"] = urlencode(
        {key: value for key, value in form.data.items() if value not in ("", None)}
    )
    context["sections"] = [
        {
            "section": section,
            "tables": [
                {"table": table, "chart": bar_chart(table, chart_id=f"grafiek-{section.key}-{n}")}
                for n, table in enumerate(section.tables, start=1)
            ],
        }
        for section in report.sections
    ]
    branches = next((s for s in report.sections if s.key == "afdelingen"), None)
    if branches is not None:
        context["national_line"] = national_totals_line(branches)
    return context


def report_view(request):
    form = _form(request)
    if not form.is_valid():
        return TemplateResponse(
            request, "reports/admin/report.html", _context(form, None), status=400
        )
    return TemplateResponse(request, "reports/admin/report.html", _context(form, _report(form)))


def print_view(request):
    form = _form(request)
    if not form.is_valid():
        return TemplateResponse(
            request, "reports/admin/report.html", _context(form, None), status=400
        )
    return TemplateResponse(request, "reports/print.html", _context(form, _report(form)))


def xlsx_view(request):
    form = _form(request)
    if not form.is_valid():
        return TemplateResponse(
            request, "reports/admin/report.html", _context(form, None), status=400
        )
    report = _report(form)
    response = HttpResponse(build_workbook(report), content_type=XLSX_TYPE)
    name = slugify(f"jaarverslag {report.scope_label} {report.period_label}")
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
