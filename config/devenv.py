"""Write a development `.env` with freshly generated keys, unless one exists.

Run by `make run` and `make test` before Django starts, so it imports nothing from Django.
"""

import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

TEMPLATE = """\
# Written by `make run` for development on this machine. Never copy it to a server:
# DEBUG=True and the django-insecure SECRET_KEY below make production refuse to start.
DEBUG=True
SECRET_KEY=django-insecure-{secret_key}
ALLOWED_HOSTS=127.0.0.1,localhost
FIELD_ENCRYPTION_KEYS={fernet_key}
BLIND_INDEX_KEY={blind_index_key}
# DATABASE_URL=postgres://postgres@127.0.0.1:5432/petitions
"""


def main(path: Path) -> int:
    if path.exists():
        print(f"{path.name} exists; keeping it.")
        return 0
    path.write_text(
        TEMPLATE.format(
            secret_key=secrets.token_urlsafe(50),
            fernet_key=Fernet.generate_key().decode(),
            blind_index_key=secrets.token_urlsafe(48),
        ),
        encoding="utf-8",
    )
    path.chmod(0o600)
    print(f"Wrote {path.name} with fresh development keys.")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".env")))
