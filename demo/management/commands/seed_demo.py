"""Load a believable Vietnamese demo dataset: one account per role, about 200 petitions over
the last two years in every state of the procedure, and citizen reception sessions.

Deterministic for a given --seed and day: the dataset is laid out backwards from today, so the
demo always has fresh, due-soon and overdue cases. Every step goes through the services, so
timelines and due dates are exactly what the application would have produced.
"""

import datetime as dt
import random

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts import roles
from cases import services
from cases.calendar import WorkingCalendar
from cases.models import Case, CaseConflict, Field
from demo.people import (
    FAMILY_NAMES,
    GIVEN_NAMES,
    MIDDLE_NAMES,
    PLACES,
    STREETS,
    SUBJECTS,
)
from intake import services as intake_services
from intake.models import ReceptionSession, ReceptionVisit
from protection import services as protection_services
from protection.services import MeasureData, PersonData, ReporterData

# username, full name, title, role, password (development only: printed by `make run`)
DEMO_ACCOUNTS = [
    ("tiepdan", "Nguyễn Thị Hoa", "Chuyên viên tiếp công dân", roles.INTAKE, "tiepdan-demo-2026"),
    ("xacminh1", "Trần Văn Bình", "Thanh tra viên", roles.VERIFIER, "xacminh-demo-2026"),
    ("xacminh2", "Lê Minh Châu", "Thanh tra viên", roles.VERIFIER, "xacminh-demo-2026"),
    ("chanhthanhtra", "Phạm Quốc Dũng", "Chánh Thanh tra", roles.HEAD, "lanhdao-demo-2026"),
    ("giamsat", "Hoàng Thu Hà", "Cán bộ giám sát", roles.AUDITOR, "giamsat-demo-2026"),
    ("quantri", "Đỗ Văn Giang", "Quản trị hệ thống", roles.ADMINISTRATOR, "quantri-demo-2026"),
]

# A one-page PDF, enough for the evidence list and its download.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

KIND_WEIGHTS = [
    (Case.Kind.DENUNCIATION, 16),
    (Case.Kind.COMPLAINT, 14),
    (Case.Kind.RECOMMENDATION, 36),
    (Case.Kind.FEEDBACK, 34),
]
CHANNEL_WEIGHTS = [
    (Case.Channel.IN_PERSON, 20),
    (Case.Channel.POST, 30),
    (Case.Channel.EMAIL, 10),
    (Case.Channel.ONLINE, 20),
    (Case.Channel.FORWARDED, 12),
    (Case.Channel.HOTLINE, 8),
]
VISIT_SUBJECTS = {
    Case.Kind.COMPLAINT: ReceptionVisit.Subject.COMPLAINT,
    Case.Kind.DENUNCIATION: ReceptionVisit.Subject.DENUNCIATION,
    Case.Kind.RECOMMENDATION: ReceptionVisit.Subject.RECOMMENDATION,
    Case.Kind.FEEDBACK: ReceptionVisit.Subject.RECOMMENDATION,
}
OTHER_AGENCIES = [
    "UBND huyện Cái Nước",
    "Công an tỉnh Cà Mau",
    "Sở Tư pháp tỉnh Cà Mau",
    "Cục Viễn thông",
    "Thanh tra tỉnh Cà Mau",
]


def print_accounts(stdout) -> None:
    stdout.write("Demo accounts (development only):")
    for username, full_name, _title, role, password in DEMO_ACCOUNTS:
        stdout.write(f"  {username:<14} {password:<20} {role.group_name} ({full_name})")


class Command(BaseCommand):
    help = "Load Vietnamese demo data into an empty database (refuses one that has data)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=200, help="number of petitions")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (and exit 0) when the database already has data",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="load even with DEBUG off (demo accounts have published passwords)",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: demo accounts have published passwords. "
                "Pass --allow-production to load them anyway."
            )
        usernames = [account[0] for account in DEMO_ACCOUNTS]
        has_data = (
            Case.objects.exists()
            or get_user_model().objects.filter(username__in=usernames).exists()
        )
        if has_data:
            if options["if_empty"]:
                self.stdout.write("The database already has data; demo data not loaded again.")
                if get_user_model().objects.filter(username__in=usernames).exists():
                    print_accounts(self.stdout)
                return
            raise CommandError("The database already has data: seed_demo runs only once.")
        with transaction.atomic():
            DemoBuilder(self, random.Random(options["seed"]), timezone.localdate()).build(
                options["cases"]
            )
        print_accounts(self.stdout)


class DemoBuilder:
    def __init__(self, command, rng: random.Random, today: dt.date):
        self.command = command
        self.rng = rng
        self.today = today
        self.start = today - dt.timedelta(days=730)
        self.fields = {field.code: field for field in Field.objects.all()}

    def say(self, message: str) -> None:
        self.command.stdout.write(message)

    def build(self, count: int) -> None:
        self.users = self.create_accounts()
        self.sessions = self.create_sessions()
        self.say(f"Creating {count} petitions…")
        # Draw every petition's channel and day first, then register them in date order, so
        # numbers run with the calendar as they would in a real register.
        plans = sorted((self.plan() for _ in range(count)), key=lambda plan: plan[0])
        for index, (received_on, channel, session) in enumerate(plans):
            self.create_case(received_on, channel, session)
            if (index + 1) % 50 == 0 or index + 1 == count:
                self.say(f"  {index + 1}/{count}")
        # A verifier who is the accused of one denunciation: it never reaches them.
        denunciation = Case.objects.filter(kind=Case.Kind.DENUNCIATION).order_by("id").first()
        if denunciation is not None:
            services.case_declare_conflict(
                case=denunciation,
                user=self.users["xacminh2"],
                reason=CaseConflict.Reason.RELATED,
                by=self.users["chanhthanhtra"],
                note="Có quan hệ họ hàng với người bị tố cáo.",
            )
        self.create_links()
        self.create_protection()

    def create_protection(self) -> None:
        """Reporter protection and identity access, through protection.services: a request
        granted with measures and a retaliation report, an emergency request by phone that
        ended, a refused one, and a verifier's pending request to see a reporter's identity."""
        head, officer = self.users["chanhthanhtra"], self.users["tiepdan"]
        denunciations = list(
            Case.objects.filter(
                kind=Case.Kind.DENUNCIATION,
                anonymous=False,
                status__in=[Case.Status.VERIFYING, Case.Status.CONCLUDED, Case.Status.CLOSED],
                received_on__lte=self.today - dt.timedelta(days=30),
            )
            .exclude(conflicts__isnull=False)
            .order_by("received_on")
        )
        if len(denunciations) < 3:
            return
        self.say("Adding reporter protection and identity access requests…")

        def on(case, days):
            return min(case.received_on + dt.timedelta(days=days), self.today)

        def relative(reporter, relation):
            person = self.person()
            return PersonData(
                relation=relation,
                reporter=reporter,
                full_name=person.full_name,
                id_number=person.id_number,
                phone=person.phone,
                address=person.address,
            )

        granted, emergency, refused = denunciations[-1], denunciations[-2], denunciations[0]
        reporter = granted.reporters.order_by("position").first()
        request = protection_services.protection_request_record(
            case=granted,
            by=officer,
            received_on=on(granted, 12),
            channel="written",
            reason="Người tố cáo bị nhắn tin đe dọa sau khi nộp đơn; đề nghị giữ bí mật và "
            "bảo vệ vị trí công tác.",
            requested_measures=["secrecy", "job"],
            persons=[PersonData(relation="reporter", reporter=reporter)],
        )
        protection_services.protection_decide(
            request=request,
            by=head,
            grant=True,
            decided_on=on(granted, 14),
            document_number="21/QĐ-TTr",
            measures=[
                MeasureData("secrecy", "Thanh tra Sở", on(granted, 14)),
                MeasureData("job", "Giám đốc Sở Thông tin và Truyền thông", on(granted, 15)),
            ],
        )
        protection_services.retaliation_report_record(
            case=granted,
            by=officer,
            reported_on=on(granted, 25),
            description="Người tố cáo phản ánh bị điều chuyển sang bộ phận khác không rõ lý do.",
            protection_request=request,
            action_taken="Đề nghị Giám đốc Sở xem xét lại quyết định điều chuyển.",
        )

        reporter = emergency.reporters.order_by("position").first()
        request = protection_services.protection_request_record(
            case=emergency,
            by=officer,
            received_on=on(emergency, 5),
            channel="phone_emergency",
            reason="Người tố cáo gọi điện báo bị đe dọa hành hung.",
            requested_measures=["life_health"],
            persons=[
                PersonData(relation="reporter", reporter=reporter),
                relative(reporter, "spouse"),
            ],
        )
        protection_services.protection_written_followup(
            request=request, by=officer, on=on(emergency, 7)
        )
        protection_services.protection_decide(
            request=request,
            by=head,
            grant=True,
            decided_on=on(emergency, 6),
            document_number="19/QĐ-TTr",
            measures=[MeasureData("life_health", "Công an thành phố Cà Mau", on(emergency, 6))],
        )
        protection_services.protection_end(
            request=request,
            by=head,
            ended_on=on(emergency, 28),
            reason="Hành vi đe dọa đã được xử lý; không còn nguy cơ.",
        )

        reporter = refused.reporters.order_by("position").first()
        request = protection_services.protection_request_record(
            case=refused,
            by=officer,
            received_on=on(refused, 9),
            channel="in_person",
            reason="Lo ngại bị xúc phạm danh dự trên mạng xã hội.",
            requested_measures=["honour"],
            persons=[PersonData(relation="reporter", reporter=reporter)],
        )
        protection_services.protection_decide(
            request=request,
            by=head,
            grant=False,
            decided_on=on(refused, 11),
            reason="Không có căn cứ cho thấy danh dự, nhân phẩm của người tố cáo bị xâm phạm "
            "hoặc đe dọa.",
        )

        verifier = self.users["xacminh1"]
        assigned = (
            Case.objects.filter(
                assignments__user=verifier, anonymous=False, status=Case.Status.VERIFYING
            )
            .order_by("-received_on")
            .first()
        )
        if assigned is not None:
            protection_services.identity_access_request(
                case=assigned,
                by=verifier,
                reason="Cần làm việc trực tiếp với người tố cáo để làm rõ các tài liệu đã nộp.",
            )

    def create_accounts(self) -> dict:
        User = get_user_model()
        users = {}
        for username, full_name, title, role, password in DEMO_ACCOUNTS:
            user = User(username=username, full_name=full_name, title=title, is_staff=role.is_staff)
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=role.group_name))
            users[username] = User.objects.get(pk=user.pk)  # fresh permission cache
        return users

    def create_sessions(self) -> list[ReceptionSession]:
        sessions = []
        calendar = WorkingCalendar()
        day = self.start
        while day <= self.today:
            if not calendar.is_working_day(day):  # no reception on holidays
                day += dt.timedelta(days=1)
                continue
            if day.weekday() == 1:  # regular reception every Tuesday
                sessions.append(
                    intake_services.reception_session_create(
                        by=self.users["tiepdan"],
                        held_on=day,
                        kind=ReceptionSession.Kind.REGULAR,
                        host=self.users["tiepdan"],
                        location="Phòng tiếp công dân, Sở Thông tin và Truyền thông",
                    )
                )
            if day.day == 15:  # the head's monthly reception
                sessions.append(
                    intake_services.reception_session_create(
                        by=self.users["tiepdan"],
                        held_on=day,
                        kind=ReceptionSession.Kind.PERIODIC,
                        mode=self.rng.choice(
                            [ReceptionSession.Mode.IN_PERSON, ReceptionSession.Mode.DELEGATED]
                        ),
                        host=self.users["chanhthanhtra"],
                        location="Phòng họp Sở",
                    )
                )
            day += dt.timedelta(days=1)
        for session in sessions:
            # Visits that did not lead to a petition (questions answered on the spot).
            for _ in range(self.rng.choice([0, 0, 1, 1, 2])):
                intake_services.reception_visit_add(
                    session=session,
                    subject=ReceptionVisit.Subject.RECOMMENDATION,
                    people_count=self.rng.choice([1, 1, 1, 2, 3]),
                    is_repeat=self.rng.random() < 0.2,
                    summary="Hỏi về thủ tục cấp phép, đã hướng dẫn trực tiếp.",
                    outcome="Đã giải thích, hướng dẫn.",
                )
        return sessions

    def person(self) -> ReporterData:
        rng = self.rng
        return ReporterData(
            full_name=(
                f"{rng.choice(FAMILY_NAMES)} {rng.choice(MIDDLE_NAMES)} {rng.choice(GIVEN_NAMES)}"
            ),
            id_number="0961" + "".join(rng.choice("0123456789") for _ in range(8)),
            phone="09" + "".join(rng.choice("0123456789") for _ in range(8)),
            address=f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}, {rng.choice(PLACES)}",
        )

    def pick(self, weighted):
        values, weights = zip(*weighted, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def plan(self) -> tuple[dt.date, str, ReceptionSession | None]:
        channel = self.pick(CHANNEL_WEIGHTS)
        if channel == Case.Channel.IN_PERSON:
            session = self.rng.choice(self.sessions)
            return session.held_on, channel, session
        return self.start + dt.timedelta(days=self.rng.randint(0, 730)), channel, None

    def create_case(
        self, received_on: dt.date, channel: str, session: ReceptionSession | None
    ) -> None:
        rng = self.rng
        kind = self.pick(KIND_WEIGHTS)
        field_code = rng.choice(list(SUBJECTS[kind]))
        summary, accused = rng.choice(SUBJECTS[kind][field_code])
        visit = None
        if session is not None:
            large = rng.random() < 0.05
            visit = intake_services.reception_visit_add(
                session=session,
                subject=VISIT_SUBJECTS[kind],
                people_count=rng.randint(5, 14) if large else rng.choice([1, 1, 1, 2]),
                is_repeat=rng.random() < 0.15,
                summary=summary,
            )
        anonymous = kind == Case.Kind.DENUNCIATION and rng.random() < 0.12
        reporters = (
            [] if anonymous else [self.person() for _ in range(rng.choice([1, 1, 1, 1, 2, 3]))]
        )
        contents = [
            intake_services.ContentData(
                kind=kind,
                field=self.fields[field_code],
                summary=summary,
                content=f"{summary}. Người gửi đơn đề nghị cơ quan có thẩm quyền xem xét, xử lý.",
                accused=accused,
                corruption_related=kind == Case.Kind.DENUNCIATION and rng.random() < 0.2,
            )
        ]
        (case,) = intake_services.petition_register(
            by=self.users["tiepdan"],
            channel=channel,
            received_on=received_on,
            contents=contents,
            reporters=reporters,
            anonymous=anonymous,
            multi_location=kind == Case.Kind.DENUNCIATION and rng.random() < 0.2,
            remote_area=kind == Case.Kind.COMPLAINT and rng.random() < 0.15,
            complaint_round=2 if kind == Case.Kind.COMPLAINT and rng.random() < 0.2 else 1,
            reception_visit=visit,
        )
        self.advance(case)

    def later(self, day: dt.date, low: int, high: int) -> dt.date | None:
        """A day `low`..`high` days after `day`, or None when that is still in the future."""
        result = day + dt.timedelta(days=self.rng.randint(low, high))
        return result if result <= self.today else None

    def stalls(self, case: Case) -> bool:
        """Recent petitions are often still being worked; a few old ones are stuck (overdue)."""
        age = (self.today - case.received_on).days
        return self.rng.random() < (0.25 if age < 100 else 0.01)

    def advance(self, case: Case) -> None:
        rng, head = self.rng, self.users["chanhthanhtra"]
        officer = self.users["tiepdan"]
        checked_on = self.later(case.received_on, 0, 2)
        if checked_on is None:
            return
        eligible = case.anonymous or rng.random() > 0.08
        conditions = dict.fromkeys(services.ELIGIBILITY_CONDITIONS, True)
        if not eligible:
            conditions["sender_identified"] = False
        services.case_check_eligibility(case=case, by=officer, conditions=conditions, on=checked_on)
        decision = self.choose_decision(case)
        if case.is_eligible is False:
            decision = Case.Decision.FILED
        services.case_propose_handling(case=case, by=officer, decision=decision, on=checked_on)
        case.refresh_from_db()
        if self.stalls(case):
            return
        late = rng.random() < 0.1
        span = (case.handling_due - case.received_on).days
        decided_on = self.later(case.received_on, max(1, span // 3), span + (12 if late else 0))
        if decided_on is None:
            return
        decided_on = max(decided_on, checked_on)
        services.case_decide(
            case=case,
            by=head,
            decision=decision,
            on=decided_on,
            document_number=f"{rng.randint(10, 999)}/TB-TTr",
            forwarded_to=rng.choice(OTHER_AGENCIES) if decision == Case.Decision.FORWARDED else "",
            note="Theo đề xuất của bộ phận tiếp công dân.",
        )
        if decision == Case.Decision.ACCEPTED:
            self.resolve(case)

    def choose_decision(self, case: Case) -> str:
        rng = self.rng
        if case.anonymous:
            return Case.Decision.FILED
        roll = rng.random()
        if case.kind in (Case.Kind.DENUNCIATION, Case.Kind.COMPLAINT):
            if roll < 0.6:
                return Case.Decision.ACCEPTED
            if roll < 0.75 and case.channel != Case.Channel.FORWARDED:
                return Case.Decision.FORWARDED
            return Case.Decision.GUIDED if roll < 0.92 else Case.Decision.RETURNED
        if roll < 0.55:
            return Case.Decision.ACCEPTED
        if roll < 0.75:
            return Case.Decision.FORWARDED
        return Case.Decision.GUIDED

    def resolve(self, case: Case) -> None:
        rng, head = self.rng, self.users["chanhthanhtra"]
        case.refresh_from_db()
        verifier = self.users[rng.choice(["xacminh1", "xacminh2"])]
        if case.kind == Case.Kind.DENUNCIATION and not case.anonymous:
            notified_on = self.later(case.accepted_on, 1, 6)
            if notified_on is None:
                return
            services.case_notify_reporter(
                case=case, by=head, on=notified_on, document_number=f"{rng.randint(10, 999)}/TB-TTr"
            )
            case.refresh_from_db()
        assigned_on = self.later(case.accepted_on, 1, 3)
        if assigned_on is None or self.stalls(case):
            return
        services.case_assign(case=case, user=verifier, by=head, on=assigned_on, is_lead=True)
        self.work(case, verifier, assigned_on)
        case.refresh_from_db()
        if case.kind in (Case.Kind.DENUNCIATION, Case.Kind.COMPLAINT) and rng.random() < 0.15:
            self.extend(case, head)
        if case.kind == Case.Kind.DENUNCIATION and self.ends_early(case, head, assigned_on):
            return
        if self.stalls(case):
            return
        due = case.resolution_due or (case.accepted_on + dt.timedelta(days=30))
        span = (due - case.accepted_on).days
        late = rng.random() < 0.12
        reported_on = self.later(
            case.accepted_on, max(2, span // 2), span - 2 + (20 if late else 0)
        )
        if reported_on is None:
            return
        services.case_report_verification(
            case=case,
            by=verifier,
            text="Đã làm việc với các bên liên quan, thu thập tài liệu; đề xuất kết luận.",
            on=reported_on,
        )
        concluded_on = self.later(reported_on, 0, 3)
        if concluded_on is None:
            return
        finding = ""
        if case.kind in (Case.Kind.DENUNCIATION, Case.Kind.COMPLAINT):
            finding = rng.choice(
                [Case.Finding.FOUNDED, Case.Finding.PARTLY_FOUNDED, Case.Finding.UNFOUNDED]
            )
        services.case_conclude(
            case=case,
            by=head,
            finding=finding,
            on=concluded_on,
            document_number=f"{rng.randint(10, 999)}/KL-TTr",
        )
        acted_on = self.later(concluded_on, 3, 15)
        if acted_on is None:
            return
        case.refresh_from_db()
        services.case_act_on_conclusion(
            case=case, by=head, on=acted_on, note="Đã gửi kết luận và theo dõi việc thực hiện."
        )
        closed_on = self.later(acted_on, 2, 10)
        if closed_on is None:
            return
        case.refresh_from_db()
        services.case_close(case=case, by=head, on=closed_on)

    def work(self, case: Case, verifier, assigned_on: dt.date) -> None:
        """The verifier's notes and evidence, dated when they were made."""
        rng = self.rng
        noted_on = self.later(assigned_on, 1, 8)
        if noted_on is None:
            return
        services.case_note_add(
            case=case,
            by=verifier,
            on=noted_on,
            text=rng.choice(
                [
                    "Đã làm việc với người bị tố cáo, người bị tố cáo cung cấp giải trình.",
                    "Đã đề nghị doanh nghiệp cung cấp nhật ký hệ thống và hợp đồng liên quan.",
                    "Đã kiểm tra thực tế tại địa điểm; lập biên bản làm việc.",
                ]
            ),
        )
        if rng.random() < 0.35:
            identifying = case.kind == Case.Kind.DENUNCIATION and rng.random() < 0.5
            name, description = (
                ("don-goc-viet-tay.pdf", "Đơn gốc viết tay")
                if identifying
                else ("bien-ban-lam-viec.pdf", "Biên bản làm việc")
            )
            services.evidence_add(
                case=case,
                by=verifier,
                upload=SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf"),
                description=description,
                identifying=identifying,
                on=noted_on,
            )

    def extend(self, case: Case, head) -> None:
        """Complex cases get one extension; a few denunciations are especially complex and
        get two (Law on Denunciations, Art. 30)."""
        especially = case.kind == Case.Kind.DENUNCIATION and self.rng.random() < 0.4
        level = Case.Extension.ESPECIALLY_COMPLEX if especially else Case.Extension.COMPLEX
        for _round in range(2 if especially else 1):
            extended_on = self.later(case.resolution_due, -8, -2)
            if extended_on is None or extended_on < case.accepted_on:
                return
            services.case_extend(
                case=case,
                by=self.users["chanhthanhtra"],
                level=level,
                reason="Vụ việc phức tạp, cần xác minh thêm tại nhiều nơi.",
                on=extended_on,
            )
            case.refresh_from_db()

    def ends_early(self, case: Case, head, assigned_on: dt.date) -> bool:
        """A few denunciations are withdrawn (fully, partly, or with signs of a violation so
        the resolution goes on) or suspended. True when the case ended here."""
        roll = self.rng.random()
        on = self.later(assigned_on, 3, 15)
        if on is None or roll >= 0.2:
            return False
        if roll < 0.05:
            services.case_withdraw(
                case=case, by=head, on=on, note="Người tố cáo có đơn rút tố cáo."
            )
            return True
        if roll < 0.1:
            services.case_withdraw(
                case=case, by=head, on=on, partial=True, note="Rút nội dung tố cáo thứ hai."
            )
        elif roll < 0.15:
            services.case_withdraw(
                case=case,
                by=head,
                on=on,
                signs_of_violation=True,
                note="Người tố cáo rút đơn nhưng có dấu hiệu vi phạm; tiếp tục giải quyết.",
            )
        else:
            services.case_suspend(
                case=case,
                by=head,
                on=on,
                reason="Người bị tố cáo đã chuyển công tác ra khỏi địa phương và chết.",
            )
            return True
        case.refresh_from_db()
        return False

    def create_links(self) -> None:
        """A follow-up denunciation to an overdue one, a confirmed duplicate, and a verifier
        who recuses themselves."""
        officer = self.users["tiepdan"]
        overdue = (
            Case.objects.filter(
                kind=Case.Kind.DENUNCIATION,
                status__in=Case.OPEN_STATUSES,
                next_due__lt=self.today,
                anonymous=False,
            )
            .order_by("next_due")
            .first()
        )
        if overdue is not None:
            intake_services.petition_register(
                by=officer,
                channel=Case.Channel.POST,
                received_on=self.today,
                contents=[
                    intake_services.ContentData(
                        kind=Case.Kind.DENUNCIATION,
                        field=overdue.field,
                        summary=f"Tố cáo tiếp: {overdue.summary}",
                        accused=overdue.accused,
                    )
                ],
                reporters=[self.person()],
                follow_up_of=overdue,
            )
        original = Case.objects.filter(kind=Case.Kind.FEEDBACK).order_by("id").first()
        if original is not None:
            (repeat,) = intake_services.petition_register(
                by=officer,
                channel=Case.Channel.EMAIL,
                received_on=self.today,
                contents=[
                    intake_services.ContentData(
                        kind=original.kind,
                        field=original.field,
                        summary=original.summary,
                        accused=original.accused,
                    )
                ],
                reporters=[self.person()],
            )
            services.case_link_duplicate(
                case=repeat, of=original, by=officer, note="Cùng nội dung đơn đã xử lý."
            )
        verifying = (
            Case.objects.filter(status=Case.Status.VERIFYING, assignees=self.users["xacminh1"])
            .order_by("id")
            .first()
        )
        if verifying is not None:
            services.case_recuse(
                case=verifying,
                by=self.users["xacminh1"],
                note="Người bị tố cáo là người thân của tôi.",
            )
