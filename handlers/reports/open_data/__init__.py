"""Open data at `/data/`: needs (anonymised), supports per need and month, tenders and awards,
and survey aggregates (also by group), as CSV and XLSX with a data dictionary and a licence line
(OPEN_DATA_LICENCE), beside links to the OCDS package and Open311.

schema.py    what a data set is: columns the dictionary describes, rows of plain values
datasets.py  what each data set holds and leaves out (and why), read in a few queries
by_group.py  supports and survey answers by age, gender and disability, suppressed as in reports
snapshot.py  the data as of one moment, rebuilt in the background
files.py     the CSV and XLSX files, the licence
routes.py    the page and its files, built at most once per ten minutes in a process
"""

from pathlib import Path

from bot.i18n import N_
from bot.web.public.pages import PublicLink, PublicPages
from handlers.reports.open_data.routes import build

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "open_data"

PUBLIC = PublicPages(
    "open_data", build, TEMPLATES, nav=(PublicLink("/data/", N_("Open data"), 90),)
)
