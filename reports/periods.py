"""Reporting periods: the inspection reporting circular's cut-off presets, calendar presets and
any custom range.

The circular counts a period from the cut-off day (15th by default, `REPORT_CUTOFF_DAY`) of the
last month of the previous period to the day before it in the period's last month: Q1 of 2022
is 15/12/2021–14/03/2022, the year 2022 is 15/12/2021–14/12/2022.

Preset codes (the `report --preset` option and the picker's values):

    2022-Q1 … 2022-Q4   cut-off quarters         2022-CQ1 … 2022-CQ4   calendar quarters
    2022-H1             cut-off 6 months         2022-CH1, 2022-CH2    calendar halves
    2022-9M             cut-off 9 months         2022-C9M              calendar 9 months
    2022-Y              cut-off year             2022-CY               calendar year
                                                 2022-M03              calendar month
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

PRESET_RE = re.compile(r"^(?P<year>\d{4})-(?P<code>Q[1-4]|H1|9M|Y|CQ[1-4]|CH[12]|C9M|CY|M\d{2})$")


class PeriodError(ValueError):
    """A preset code or range that does not name a period."""


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    code: str = ""  # the preset code, empty for a custom range

    def __post_init__(self):
        if self.start > self.end:
            raise PeriodError(_("Ngày bắt đầu phải trước hoặc cùng ngày kết thúc."))

    @property
    def name(self) -> str:
        """ "Quý IV năm 2022", "6 tháng đầu năm 2022", or empty for a custom range."""
        if not self.code:
            return ""
        match = PRESET_RE.match(self.code)
        year, code = int(match["year"]), match["code"]
        calendar_note = " " + _("(theo năm dương lịch)") if code.startswith("C") else ""
        code = code.removeprefix("C")
        if code.startswith("M"):
            return _("Tháng %(month)s năm %(year)s") % {"month": code[1:], "year": year}
        if code.startswith("Q"):
            label = _("Quý %(roman)s năm %(year)s") % {"roman": ROMAN[int(code[1])], "year": year}
        elif code == "H1":
            label = _("6 tháng đầu năm %(year)s") % {"year": year}
        elif code == "H2":
            label = _("6 tháng cuối năm %(year)s") % {"year": year}
        elif code == "9M":
            label = _("9 tháng năm %(year)s") % {"year": year}
        else:
            label = _("Năm %(year)s") % {"year": year}
        return label + calendar_note

    @property
    def label(self) -> str:
        dates = f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"
        return f"{self.name} ({dates})" if self.name else dates

    @property
    def slug(self) -> str:
        """For file names: the preset code, or the two dates."""
        return self.code or f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def cutoff_day() -> int:
    day = int(getattr(settings, "REPORT_CUTOFF_DAY", 15))
    if not 2 <= day <= 28:
        # The period ends the day before the cut-off day, in any month: 2..28 keeps both real.
        raise PeriodError("REPORT_CUTOFF_DAY must be between 2 and 28.")
    return day


def _month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def cutoff_period(year: int, first_month: int, last_month: int, code: str = "") -> Period:
    """The cut-off period covering calendar months first_month..last_month of `year`: from the
    cut-off day of the month before first_month to the day before it in last_month."""
    day = cutoff_day()
    start_year, start_month = _month_shift(year, first_month, -1)
    return Period(
        start=dt.date(start_year, start_month, day),
        end=dt.date(year, last_month, day - 1),
        code=code,
    )


def calendar_period(year: int, first_month: int, last_month: int, code: str = "") -> Period:
    last_day = calendar.monthrange(year, last_month)[1]
    return Period(dt.date(year, first_month, 1), dt.date(year, last_month, last_day), code=code)


def preset(code: str) -> Period:
    """The period a preset code names ("2022-Q4", "2022-CY", "2022-M03", ...)."""
    match = PRESET_RE.match(code.strip().upper())
    if not match:
        raise PeriodError(_("Kỳ báo cáo “%(code)s” không hợp lệ.") % {"code": code})
    year, kind = int(match["year"]), match["code"]
    code = f"{year}-{kind}"
    if kind.startswith("M"):
        month = int(kind[1:])
        if not 1 <= month <= 12:
            raise PeriodError(_("Kỳ báo cáo “%(code)s” không hợp lệ.") % {"code": code})
        return calendar_period(year, month, month, code)
    build = calendar_period if kind.startswith("C") else cutoff_period
    kind = kind.removeprefix("C")
    if kind.startswith("Q"):
        quarter = int(kind[1])
        return build(year, quarter * 3 - 2, quarter * 3, code)
    months = {"H1": (1, 6), "H2": (7, 12), "9M": (1, 9), "Y": (1, 12)}[kind]
    return build(year, *months, code)


def custom(start: dt.date, end: dt.date) -> Period:
    return Period(start, end)


def cutoff_year_of(day: dt.date) -> int:
    """The reporting year a day belongs to: from the cut-off day in December on, the next one."""
    return day.year + 1 if (day.month, day.day) >= (12, cutoff_day()) else day.year


def current_preset(today: dt.date) -> Period:
    """The cut-off quarter today falls in: the picker's default."""
    year = cutoff_year_of(today)
    for quarter in (1, 2, 3, 4):
        period = preset(f"{year}-Q{quarter}")
        if period.start <= today <= period.end:
            return period
    raise AssertionError("every day falls in a cut-off quarter")  # pragma: no cover


def preset_choices(today: dt.date, years: int = 5) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for the period picker: the cut-off presets of the current reporting
    year and the previous ones, then the calendar presets."""
    newest = cutoff_year_of(today)
    groups = []
    for year in range(newest, newest - years, -1):
        cutoff = [f"{year}-Q{q}" for q in (1, 2, 3, 4)] + [f"{year}-H1", f"{year}-9M", f"{year}-Y"]
        calendar_codes = [f"{year}-CQ{q}" for q in (1, 2, 3, 4)] + [
            f"{year}-CH1",
            f"{year}-CH2",
            f"{year}-CY",
        ]
        groups.append(
            (
                _("Năm %(year)s – theo kỳ chốt số liệu") % {"year": year},
                [(code, preset(code).label) for code in cutoff],
            )
        )
        groups.append(
            (
                _("Năm %(year)s – theo năm dương lịch") % {"year": year},
                [(code, preset(code).label) for code in calendar_codes],
            )
        )
    return groups
