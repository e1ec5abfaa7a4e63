"""The working-day calendar of Vietnam, for counting statutory time limits.

Public holidays and make-up Saturdays come from the `holidays` package; the government announces
day swaps yearly, so an administrator can add or remove a day (CalendarOverride), and an
override always wins over the package.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from cases.models import CalendarOverride


@lru_cache(maxsize=64)
def _package_days(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(days off, make-up working days) that the holidays package gives for one year.

    A year's table can hold days of its neighbours (the 2015 New Year holiday was made up on
    Saturday 27/12/2014; a day off in 2018 was made up on 05/01/2019), so callers ask for the
    year before and after as well. Pure data of the installed package: caching it per process
    holds no user state.
    """
    calendar = holidays.country_holidays("VN", years=year)
    return frozenset(calendar.keys()), frozenset(calendar.weekend_workdays)


class WorkingCalendar:
    """Working days with the administrator's overrides applied.

    Build one per computation (or per import batch): it reads the override table, which holds a
    handful of days a year, once; years of the holidays package are loaded as they are needed.
    """

    def __init__(self, overrides: dict[dt.date, str] | None = None) -> None:
        if overrides is None:
            overrides = dict(CalendarOverride.objects.values_list("day", "kind"))
        self._overrides = overrides
        self._years: set[int] = set()
        self._days_off: set[dt.date] = set()
        self._working_weekend_days: set[dt.date] = set()

    def _load_year(self, year: int) -> None:
        for neighbour in (year - 1, year, year + 1):
            days_off, make_up = _package_days(neighbour)
            self._days_off |= days_off
            self._working_weekend_days |= make_up
        self._years.add(year)

    def is_working_day(self, day: dt.date) -> bool:
        override = self._overrides.get(day)
        if override is not None:
            return override == CalendarOverride.Kind.WORKING_DAY
        if day.year not in self._years:
            self._load_year(day.year)
        if day in self._working_weekend_days:
            return True
        if day in self._days_off:
            return False
        return day.weekday() < 5

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start`; the day of the event is not counted."""
        day = start
        remaining = count
        while remaining > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_days(self, start: dt.date, count: int) -> dt.date:
        """`count` calendar days after `start`; a period that ends on a day off ends on the next
        working day (Civil Code 2015, Arts. 147-148)."""
        return self.next_working_day(start + dt.timedelta(days=count))

    def add_years(self, start: dt.date, count: int) -> dt.date:
        try:
            end = start.replace(year=start.year + count)
        except ValueError:  # 29/02 in a year without one
            end = start.replace(year=start.year + count, day=28)
        return self.next_working_day(end)
