"""The working-day calendar, checked against dates counted by hand on a paper calendar.

What the `holidays` package (0.109) gives for Vietnam, and these tests rely on:
- Tết 2025: Mon 27/01 - Fri 31/01 (Sat 01/02 too); Tết 2026: Mon 16/02 - Fri 20/02;
  Tết 2027: Thu 04/02 - Wed 10/02.
- 2025: Hùng Kings Mon 07/04; 30/04 (Wed), 01/05 (Thu) and Fri 02/05, swapped with the make-up
  Saturday 26/04/2025; National Day Mon 01/09 and Tue 02/09.
- 2026: Hùng Kings Sun 26/04, observed Mon 27/04; 30/04 (Thu), 01/05 (Fri); Mon 31/08 off,
  swapped with the make-up Saturday 22/08/2026; National Day Tue 01/09 and Wed 02/09;
  Vietnam Culture Day Tue 24/11.
- Across years: Mon 31/12/2018 off, made up on Saturday 05/01/2019; Fri 02/01/2015 off, made up
  on Saturday 27/12/2014.
"""

import datetime as dt

import pytest

from cases.calendar import WorkingCalendar
from cases.models import CalendarOverride

D = dt.date


@pytest.fixture
def calendar():
    return WorkingCalendar(overrides={})


def test_the_day_of_the_event_is_not_counted(calendar):
    # Mon 02/03/2026 + 1 working day: Tue 03/03.
    assert calendar.add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)


def test_working_days_skip_the_weekend(calendar):
    # Fri 06/03/2026 + 1: Sat 07 and Sun 08 skipped, Mon 09/03.
    assert calendar.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)


def test_working_days_skip_tet_2026(calendar):
    # Fri 13/02/2026 + 1: Sat 14, Sun 15, Tết Mon 16 - Fri 20, Sat 21, Sun 22 → Mon 23/02.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    # Thu 12/02 + 7: Fri 13 (1); Tết and two weekends; Mon 23 (2) ... Fri 27 (6), Mon 02/03 (7).
    assert calendar.add_working_days(D(2026, 2, 12), 7) == D(2026, 3, 2)


def test_working_days_skip_tet_2025(calendar):
    # Fri 24/01/2025 + 1: weekend, Tết Mon 27 - Fri 31, Sat 01/02, Sun 02/02 → Mon 03/02/2025.
    assert calendar.add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)


def test_working_days_skip_30_april_and_1_may_2026(calendar):
    # Wed 29/04/2026 + 5: Thu 30/04 and Fri 01/05 off, weekend; Mon 04/05 (1) ... Fri 08/05 (5).
    assert calendar.add_working_days(D(2026, 4, 29), 5) == D(2026, 5, 8)


def test_make_up_saturday_26_april_2025_is_a_working_day(calendar):
    # Thu 24/04/2025 + 3: Fri 25 (1), Sat 26 make-up (2), Sun 27 skipped, Mon 28/04 (3).
    assert calendar.is_working_day(D(2025, 4, 26))
    assert calendar.add_working_days(D(2025, 4, 24), 3) == D(2025, 4, 28)


def test_the_day_swapped_for_the_make_up_saturday_is_off(calendar):
    # Tue 29/04/2025 + 1: Wed 30/04, Thu 01/05, Fri 02/05 (swapped) off, weekend → Mon 05/05.
    assert not calendar.is_working_day(D(2025, 5, 2))
    assert calendar.add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)


def test_national_day_2026_with_its_adjacent_day_and_swap(calendar):
    # Fri 21/08/2026 + 1: Sat 22/08 is the make-up Saturday, so it is the next working day.
    assert calendar.add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)
    # Fri 28/08/2026 + 1: weekend, Mon 31/08 (swapped), Tue 01/09 and Wed 02/09 off → Thu 03/09.
    assert calendar.add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)


def test_national_day_2025_with_its_adjacent_day(calendar):
    # Fri 29/08/2025 + 1: weekend, Mon 01/09 and Tue 02/09 off → Wed 03/09/2025.
    assert calendar.add_working_days(D(2025, 8, 29), 1) == D(2025, 9, 3)


def test_calendar_days_ending_on_a_holiday_move_to_the_next_working_day(calendar):
    # Fri 06/02/2026 + 10 days = Mon 16/02, Tết: Tue 17 - Fri 20 off, weekend → Mon 23/02.
    assert calendar.add_days(D(2026, 2, 6), 10) == D(2026, 2, 23)
    # Tue 31/03/2026 + 30 days = Thu 30/04, then Fri 01/05 and the weekend → Mon 04/05.
    assert calendar.add_days(D(2026, 3, 31), 30) == D(2026, 5, 4)


def test_calendar_days_ending_on_a_saturday_move_to_monday(calendar):
    # Wed 04/03/2026 + 10 days = Sat 14/03 → Mon 16/03.
    assert calendar.add_days(D(2026, 3, 4), 10) == D(2026, 3, 16)


def test_calendar_days_ending_on_a_make_up_saturday_end_there(calendar):
    # Wed 12/08/2026 + 10 days = Sat 22/08/2026, a make-up working day: the period ends on it.
    assert calendar.add_days(D(2026, 8, 12), 10) == D(2026, 8, 22)


def test_holidays_of_neighbouring_years_are_known(calendar):
    # Fri 28/12/2018 + 1: weekend, Mon 31/12/2018 (swapped), Tue 01/01/2019 → Wed 02/01/2019.
    assert calendar.add_working_days(D(2018, 12, 28), 1) == D(2019, 1, 2)
    # Sat 05/01/2019 and Sat 27/12/2014 were make-up working days.
    assert calendar.add_working_days(D(2019, 1, 4), 1) == D(2019, 1, 5)
    assert calendar.add_working_days(D(2014, 12, 26), 1) == D(2014, 12, 27)


def test_vietnam_culture_day_2026_is_a_day_off(calendar):
    # Mon 23/11/2026 + 1: Tue 24/11 off → Wed 25/11.
    assert calendar.add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 25)


def test_one_year_ending_in_tet_2027_moves_past_it(calendar):
    # Mon 09/02/2026 + 1 year = Tue 09/02/2027, Tết (04/02 - 10/02/2027) → Thu 11/02/2027.
    assert calendar.add_years(D(2026, 2, 9), 1) == D(2027, 2, 11)


def test_administrator_override_adds_a_day_off_and_a_working_saturday(db):
    # Say the government swaps Fri 02/01/2026 for Sat 10/01/2026.
    CalendarOverride.objects.create(day=D(2026, 1, 2), kind=CalendarOverride.Kind.DAY_OFF)
    CalendarOverride.objects.create(day=D(2026, 1, 10), kind=CalendarOverride.Kind.WORKING_DAY)
    calendar = WorkingCalendar()
    # Wed 31/12/2025 + 1: Thu 01/01 holiday, Fri 02/01 override, weekend → Mon 05/01/2026.
    assert calendar.add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 5)
    # Fri 09/01/2026 + 1: Sat 10/01 now a working day.
    assert calendar.add_working_days(D(2026, 1, 9), 1) == D(2026, 1, 10)


def test_administrator_override_wins_over_the_package(db):
    # The package says Tue 24/11/2026 is off; the administrator says it is a working day.
    CalendarOverride.objects.create(day=D(2026, 11, 24), kind=CalendarOverride.Kind.WORKING_DAY)
    assert WorkingCalendar().add_working_days(D(2026, 11, 23), 1) == D(2026, 11, 24)
