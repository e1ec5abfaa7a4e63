"""Create (if missing) and migrate a PostgreSQL database for a benchmark: `make bench` runs each
benchmark in its own database so it never touches the configured one.

Usage: python config/benchdb.py postgres://user@host:port/name
"""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg


def main(url: str) -> int:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    manage = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "manage.py")
    return subprocess.call(  # noqa: S603 -- our own manage.py with the interpreter running us
        [sys.executable, manage, "migrate", "--verbosity", "0"],
        env={**os.environ, "DATABASE_URL": url},
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
