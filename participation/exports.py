"""The funder's report as CSV and XLSX. Each download is recorded in the audit trail."""

import csv
import io

from openpyxl import Workbook

from forum_portal.audit.services import record_event
from forum_portal.people.services import spreadsheet_safe

from .selectors import ParticipationReport


def _rows(report: ParticipationReport) -> list[list]:
    """The report as one table: headline figures, then each breakdown with its own heading row."""
    rows: list[list] = [["Participation report", f"{report.start} to {report.end}", "", ""], []]
    rows += [[label, value, "", ""] for label, value in report.headline()]
    for title, breakdown in [("Ladder step", report.by_ladder_step), ("Organisation", report.by_organisation)]:
        rows += [[], [title, "Activities", "Parent carers involved", "Hours"]]
        rows += [[row.label, row.activities, row.parent_carers_shown, row.hours] for row in breakdown]
    return [[spreadsheet_safe(value) for value in row] for row in rows]


def report_csv(report: ParticipationReport, *, by) -> str:
    output = io.StringIO()
    csv.writer(output).writerows(_rows(report))
    record_event(
        "participation.report_downloaded", actor=by, format="csv", start=str(report.start), end=str(report.end)
    )
    return output.getvalue()


def report_xlsx(report: ParticipationReport, *, by) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Participation"
    for row in _rows(report):
        sheet.append(row)
    sheet.column_dimensions["A"].width = 40
    output = io.BytesIO()
    workbook.save(output)
    record_event(
        "participation.report_downloaded", actor=by, format="xlsx", start=str(report.start), end=str(report.end)
    )
    return output.getvalue()
