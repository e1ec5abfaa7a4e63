"""Create or update the role groups from plain data; used by data migrations.

Migrations pass a frozen copy of the roles (not accounts.roles itself), so an old migration
keeps working after roles.py changes; tests check that the database matches roles.py.
"""

from django.contrib.auth.management import create_permissions


def ensure_permissions(apps) -> None:
    """Permissions are normally created after all migrations; a data migration that assigns
    them to groups needs them now."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def sync_roles(apps, roles: list[dict]) -> None:
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in roles:
        group, _created = Group.objects.get_or_create(name=role["group_name"])
        permissions = []
        for label in role["permissions"]:
            app_label, codename = label.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
