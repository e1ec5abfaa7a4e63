"""Create (if missing) and migrate a PostgreSQL database for a benchmark: `make bench` runs each
benchmark in its own database so it never touches the configured one.

Usage: python -m bench.benchdb postgres://user@host:port/name
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def create_database(url: str) -> None:
    """Create the database `url` names when it does not exist yet."""
    import psycopg

    parts = urlsplit(url)
    name = database_name(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def main(url: str) -> int:
    """Create and migrate `url`: Django is set up here with DATABASE_URL=url, so this must run
    in its own process (as `make bench` runs it)."""
    create_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    if connection.settings_dict["NAME"] != database_name(url):  # settings read before us
        print(f"Not migrating: the configured database is not {url}.", file=sys.stderr)
        return 1
    call_command("migrate", verbosity=0, interactive=False)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
