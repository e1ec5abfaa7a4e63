import datetime as dt

import pytest

from reports import periods

D = dt.date


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2022-Q1", D(2021, 12, 15), D(2022, 3, 14)),
        ("2022-Q2", D(2022, 3, 15), D(2022, 6, 14)),
        ("2022-Q3", D(2022, 6, 15), D(2022, 9, 14)),
        ("2022-Q4", D(2022, 9, 15), D(2022, 12, 14)),
        ("2022-H1", D(2021, 12, 15), D(2022, 6, 14)),
        ("2022-9M", D(2021, 12, 15), D(2022, 9, 14)),
        ("2022-Y", D(2021, 12, 15), D(2022, 12, 14)),
        ("2022-CQ1", D(2022, 1, 1), D(2022, 3, 31)),
        ("2022-CQ4", D(2022, 10, 1), D(2022, 12, 31)),
        ("2022-CH2", D(2022, 7, 1), D(2022, 12, 31)),
        ("2022-C9M", D(2022, 1, 1), D(2022, 9, 30)),
        ("2022-CY", D(2022, 1, 1), D(2022, 12, 31)),
        ("2024-M02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2022-q4", D(2022, 9, 15), D(2022, 12, 14)),
    ],
)
def test_presets_follow_the_reporting_circulars_cut_off_or_the_calendar(code, start, end):
    period = periods.preset(code)
    assert (period.start, period.end) == (start, end)


def test_preset_names_read_as_the_reports_say_them():
    assert periods.preset("2022-Q4").label == "Quý IV năm 2022 (15/09/2022 – 14/12/2022)"
    assert periods.preset("2022-H1").name == "6 tháng đầu năm 2022"
    assert periods.preset("2022-9M").name == "9 tháng năm 2022"
    assert periods.preset("2022-Y").name == "Năm 2022"
    assert periods.preset("2022-CY").name == "Năm 2022 (theo năm dương lịch)"
    assert periods.preset("2022-M03").name == "Tháng 03 năm 2022"


def test_the_cut_off_day_is_a_setting(settings):
    settings.REPORT_CUTOFF_DAY = 20
    period = periods.preset("2022-Q1")
    assert (period.start, period.end) == (D(2021, 12, 20), D(2022, 3, 19))
    # Calendar presets do not move.
    assert periods.preset("2022-CQ1").start == D(2022, 1, 1)


def test_a_custom_range_like_the_seed_report():
    period = periods.custom(D(2021, 11, 21), D(2022, 11, 20))
    assert period.label == "21/11/2021 – 20/11/2022"
    assert period.code == ""
    assert period.slug == "20211121-20221120"


@pytest.mark.parametrize("code", ["2022-Q5", "2022", "Q4-2022", "2022-M13", "2022-H2", ""])
def test_codes_that_name_no_period_are_refused(code):
    with pytest.raises(periods.PeriodError):
        periods.preset(code)


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(periods.PeriodError):
        periods.custom(D(2022, 5, 2), D(2022, 5, 1))


@pytest.mark.parametrize(
    ("today", "code"),
    [
        (D(2026, 11, 27), "2026-Q4"),
        (D(2026, 12, 14), "2026-Q4"),
        (D(2026, 12, 15), "2027-Q1"),
        (D(2026, 3, 14), "2026-Q1"),
        (D(2026, 3, 15), "2026-Q2"),
    ],
)
def test_the_picker_opens_on_the_cut_off_quarter_of_today(today, code):
    assert periods.current_preset(today).code == code


def test_the_picker_offers_this_reporting_year_and_four_before_in_both_ways():
    groups = periods.preset_choices(D(2026, 12, 20))
    codes = [code for _label, options in groups for code, _name in options]
    assert codes[:7] == [
        "2027-Q1",
        "2027-Q2",
        "2027-Q3",
        "2027-Q4",
        "2027-H1",
        "2027-9M",
        "2027-Y",
    ]
    assert "2027-CY" in codes and "2023-Y" in codes and "2022-Y" not in codes
