import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cases.models import Case
from protection.models import Reporter


def test_seed_demo_loads_every_role_and_refuses_a_second_run(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", cases=30)
    output = capsys.readouterr().out
    for username in ("tiepdan", "xacminh1", "chanhthanhtra", "giamsat", "quantri"):
        assert username in output
        assert get_user_model().objects.filter(username=username).exists()
    # The 30 petitions, plus a follow-up denunciation and a duplicate that show those links.
    loaded = Case.objects.count()
    assert 30 <= loaded <= 32
    assert len({case.kind for case in Case.objects.all()}) >= 3
    assert Reporter.objects.exists()
    with pytest.raises(CommandError, match="only once"):
        call_command("seed_demo", cases=30)
    call_command("seed_demo", cases=30, if_empty=True)
    assert Case.objects.count() == loaded


def test_seed_demo_refuses_to_run_with_debug_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", cases=5)
