"""The report as a workbook: one sheet per section, each table with a native bar chart.

Hidden cells are written as the text "x", never as their number.
"""

from __future__ import annotations

import io

import xlsxwriter
from django.utils.translation import gettext as _

from reports.services import Report
from reports.suppression import HIDDEN_LABEL

MAX_SHEET_NAME = 31


def build_workbook(report: Report) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    percent = book.add_format({"num_format": "0.0%"})
    hidden = book.add_format({"align": "right", "font_color": "#555555"})
    for section in report.sections:
        sheet = book.add_worksheet(section.title[:MAX_SHEET_NAME])
        sheet.set_column(0, 0, 48)
        sheet.set_column(1, 12, 14)
        sheet.write(0, 0, section.title, title)
        sheet.write(1, 0, f"{report.scope_label} · {report.period_label}")
        if report.municipality_label:
            sheet.write(1, 1, _("Gemeente: %(name)s") % {"name": report.municipality_label})
        sheet.write(2, 0, section.note)
        row = 4
        for table in section.tables:
            sheet.write(row, 0, table.caption, bold)
            row += 1
            headers = [table.row_header]
            for column in table.columns:
                headers.append(column)
                if table.with_percent:
                    headers.append(_("%(column)s (%%)") % {"column": column})
            sheet.write_row(row, 0, headers, bold)
            first = row + 1
            for line in table.rows:
                row += 1
                sheet.write(row, 0, line.label)
                col = 1
                for cell in line.cells:
                    if cell.hidden:
                        sheet.write_string(row, col, HIDDEN_LABEL, hidden)
                    else:
                        sheet.write_number(row, col, cell.count)
                    col += 1
                    if table.with_percent:
                        if cell.percent is None:
                            sheet.write_string(row, col, "–", hidden)
                        else:
                            sheet.write_number(row, col, cell.percent / 100, percent)
                        col += 1
            last = row
            step = 2 if table.with_percent else 1
            value_col = 1 + table.chart_column * step + (1 if table.with_percent else 0)
            chart = book.add_chart({"type": "bar"})
            chart.add_series(
                {
                    "name": table.caption,
                    "categories": [sheet.name, first, 0, last, 0],
                    "values": [sheet.name, first, value_col, last, value_col],
                    "data_labels": {"value": True},
                }
            )
            chart.set_title({"name": table.caption})
            chart.set_legend({"none": True})
            chart.set_y_axis({"reverse": True})
            sheet.insert_chart(first - 1, 2 + len(headers), chart, {"x_scale": 1.2})
            row = max(last + 3, first + 16)
    book.close()
    return buffer.getvalue()
