"""The `qiaolian` console command: manage.py under a friendlier name.

Commands may be written with hyphens (`qiaolian import-people …`): Django names them with
underscores (`import_people`), and no Django command has a hyphen in its name.
"""

import os
import sys


def command_line(argv: list[str]) -> list[str]:
    """`argv` with a hyphenated command name spelled the way Django names it."""
    if len(argv) > 1 and not argv[1].startswith("-") and "-" in argv[1]:
        return [argv[0], argv[1].replace("-", "_"), *argv[2:]]
    return argv


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qiaolian.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(command_line(sys.argv))


if __name__ == "__main__":
    main()
