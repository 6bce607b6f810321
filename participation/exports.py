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


def members_csv(profiles, *, by, filters: dict) -> str:
    """Forum staff's own record of members: only what each member consented to give."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(["Name", "Email", "Joined", "Area", "Age bands of children", "Need categories of children"])
    count = 0
    for profile in profiles:
        count += 1
        writer.writerow(
            [
                spreadsheet_safe(value)
                for value in [
                    profile.user.full_name,
                    profile.user.email,
                    profile.joined_at.date().isoformat(),
                    profile.postcode_district,
                    "; ".join(row.get_age_band_display() for row in profile.age_bands.all()),
                    "; ".join(row.get_need_display() for row in profile.needs.all()),
                ]
            ]
        )
    record_event("participation.members_exported", actor=by, rows=count, **filters)
    return output.getvalue()
