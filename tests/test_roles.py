from django.contrib.auth.models import Group

from accounts.roles import ROLES


def test_each_role_group_has_exactly_the_permissions_roles_py_lists(db):
    for role in ROLES:
        group = Group.objects.get(name=role.group_name)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(role.permissions), role.code


def test_only_the_head_may_reveal_identity_on_any_case(db):
    holders = [role.code for role in ROLES if "protection.reveal_identity_any" in role.permissions]
    assert holders == ["head"]
