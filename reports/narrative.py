"""The report as Vietnamese prose, in the words such units publish
(docs/product.md#forms-and-formats):

"Từ ngày 21/11/2021 đến 20/11/2022, đã tiếp nhận 45 đơn (trong đó có 07 đơn tố cáo; 38 đơn
kiến nghị, phản ánh), đã giải quyết dứt điểm 45 đơn."

Only the parts that apply are written: carried-over and unfinished petitions, overdue ones,
corruption-related denunciations, protection of reporters, citizen reception.
"""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _


def number(value: int) -> str:
    """Counts as Vietnamese reports write them: two digits at least ("07"), dots between
    thousands ("1.250")."""
    return f"{value:02d}" if value < 100 else f"{value:,}".replace(",", ".")


def _day(iso: str) -> str:
    return f"{dt.date.fromisoformat(iso):%d/%m/%Y}"


def _received_parts(petitions: dict) -> str:
    by_kind = petitions["by_kind"]
    parts = []
    if by_kind["complaint"]:
        parts.append(_("%(n)s đơn khiếu nại") % {"n": number(by_kind["complaint"])})
    if by_kind["denunciation"]:
        parts.append(_("%(n)s đơn tố cáo") % {"n": number(by_kind["denunciation"])})
    others = by_kind["recommendation"] + by_kind["feedback"]
    if others:
        parts.append(_("%(n)s đơn kiến nghị, phản ánh") % {"n": number(others)})
    return "; ".join(parts)


def _petitions_sentence(figures: dict) -> str:
    petitions = figures["petitions"]
    period = figures["period"]
    clauses = []
    if petitions["carried_over"]:
        clauses.append(
            _("kỳ trước chuyển sang %(n)s đơn") % {"n": number(petitions["carried_over"])}
        )
    if petitions["received"]:
        clauses.append(
            _("đã tiếp nhận %(n)s đơn (trong đó có %(parts)s)")
            % {"n": number(petitions["received"]), "parts": _received_parts(petitions)}
        )
    else:
        clauses.append(_("không tiếp nhận đơn mới"))
    if petitions["carried_over"] and petitions["received"]:
        clauses.append(_("tổng số %(n)s đơn phải giải quyết") % {"n": number(petitions["total"])})
    if petitions["resolved"]:
        clauses.append(_("đã giải quyết dứt điểm %(n)s đơn") % {"n": number(petitions["resolved"])})
    elif petitions["total"]:
        clauses.append(_("chưa giải quyết dứt điểm đơn nào"))
    sentence = _("Từ ngày %(start)s đến %(end)s, %(clauses)s") % {
        "start": _day(period["start"]),
        "end": _day(period["end"]),
        "clauses": ", ".join(clauses),
    }
    if petitions["in_progress"]:
        sentence += _(", còn %(n)s đơn đang giải quyết") % {"n": number(petitions["in_progress"])}
        if petitions["overdue"]:
            sentence += _(" (trong đó có %(n)s đơn quá hạn)") % {"n": number(petitions["overdue"])}
    return sentence + "."


def _corruption_sentence(figures: dict) -> str:
    denunciations = figures["kinds"]["denunciation"]
    if not denunciations["total"]:
        return ""
    if denunciations["corruption_related"]:
        return _("Có %(n)s đơn tố cáo liên quan đến hành vi tham nhũng, lãng phí, tiêu cực.") % {
            "n": number(denunciations["corruption_related"])
        }
    return _("Không có đơn tố cáo liên quan đến hành vi tham nhũng, lãng phí, tiêu cực.")


def _protection_sentence(figures: dict) -> str:
    protection = figures["protection"]
    if not (protection["requests"] or protection["retaliation_reports"] or protection["granted"]):
        if protection["measures_in_force"]:
            return _("Cuối kỳ có %(n)s biện pháp bảo vệ người tố cáo đang được áp dụng.") % {
                "n": number(protection["measures_in_force"])
            }
        return _("Không có trường hợp người tố cáo đề nghị được bảo vệ hoặc bị trả thù, trù dập.")
    parts = []
    if protection["requests"]:
        decided = []
        if protection["granted"]:
            decided.append(
                _("áp dụng biện pháp bảo vệ %(n)s") % {"n": number(protection["granted"])}
            )
        if protection["refused"]:
            decided.append(_("không áp dụng %(n)s") % {"n": number(protection["refused"])})
        text = _("tiếp nhận %(n)s đề nghị bảo vệ người tố cáo") % {
            "n": number(protection["requests"])
        }
        parts.append(f"{text} ({'; '.join(decided)})" if decided else text)
    elif protection["granted"]:
        parts.append(
            _("quyết định áp dụng biện pháp bảo vệ %(n)s trường hợp")
            % {"n": number(protection["granted"])}
        )
    if protection["retaliation_reports"]:
        parts.append(
            _("%(n)s phản ánh bị trả thù, trù dập")
            % {"n": number(protection["retaliation_reports"])}
        )
    else:
        parts.append(_("không có phản ánh bị trả thù, trù dập"))
    if protection["measures_in_force"]:
        parts.append(
            _("cuối kỳ có %(n)s biện pháp bảo vệ đang được áp dụng")
            % {"n": number(protection["measures_in_force"])}
        )
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def _reception_sentence(figures: dict) -> str:
    reception = figures["reception"]
    if not (reception["sessions"] or reception["visits"]):
        return ""
    sentence = _(
        "Đã tổ chức %(sessions)s buổi tiếp công dân, tiếp %(visits)s lượt với %(people)s người"
    ) % {
        "sessions": number(reception["sessions"]),
        "visits": number(reception["visits"]),
        "people": number(reception["people"]),
    }
    if reception["large_groups"]:
        sentence += _(" (trong đó có %(n)s đoàn đông người)") % {
            "n": number(reception["large_groups"])
        }
    return sentence + "."


def narrative(figures: dict) -> str:
    """The report in a few sentences, one paragraph."""
    sentences = [
        _petitions_sentence(figures),
        _corruption_sentence(figures),
        _protection_sentence(figures),
        _reception_sentence(figures),
    ]
    return " ".join(sentence for sentence in sentences if sentence)
