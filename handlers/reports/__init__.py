"""Reports (staff): monitoring figures — needs by category and status, survey results of a
service, tenders and their outcomes — as a chart and a spreadsheet in the reader's language,
with signed download links for channels that carry no files.

needs_report.py, surveys_report.py, tenders_report.py  the queries, aggregated in the database
scope.py                       who may see which municipality's figures (refusals audited)
periods.py                     report periods in local days, and buckets over them
labels.py                      translated titles, headers and category names
report.py, build.py            a request → the figures → summary and files
charts.py, spreadsheets.py     the files, built in memory (needs_chart.py: the needs chart, with Pillow)
links.py                       signed, expiring download links (SMS), and their route
pages.py                       the reports page of the staff workspace, its files and a needs CSV
groups.py, suppression.py      supports and survey answers by group, small groups suppressed
group_tables.py, tables.py     those figures as the report's tables (sheets, the page's tables)
public_groups.py               the same figures, a section of a municipality's public page
public.py, public_chart.py     the same figures on the public pages: the country's, a municipality's chart
open_data/                     the public open data at /data/: CSV and XLSX, a data dictionary
"""

from bot.conversation.context import Context
from bot.conversation.menu import MenuEntry
from bot.i18n import N_
from handlers.reports.flows import staff_reports
from handlers.reports.links import links_routes
from handlers.reports.open_data import PUBLIC as OPEN_DATA
from handlers.reports.pages import PAGES as REPORTS_PAGES
from handlers.reports.public import PUBLIC as REPORTS_PUBLIC


def _staff(ctx: Context) -> bool:
    return ctx.person.is_staff


FLOWS = (staff_reports.build,)

MENU = (MenuEntry("staff_reports", N_("Reports (staff)"), 110, _staff),)

ROUTES = (links_routes,)

PAGES = (REPORTS_PAGES,)

PUBLIC = (REPORTS_PUBLIC, OPEN_DATA)
