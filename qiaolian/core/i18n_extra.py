"""Strings that Django shows but whose translation Django 6.1's catalogue lacks (or gets
wrong for us); marked here so `makemessages` keeps them in our catalogue."""

from django.utils.translation import gettext_noop

EXTRA_STRINGS = [
    gettext_noop("- Select an option -"),  # empty choice of select widgets
    gettext_noop("English"),  # the language switcher names English in English
]
