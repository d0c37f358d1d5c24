"""Phone numbers as people type them, normalised to E.164 for matching."""

import phonenumbers


def normalize_phone(raw: str, default_region: str = "CN") -> str | None:
    """E.164 form of `raw`, or None when it is not a plausible phone number."""
    text = (raw or "").strip()
    if not text or "@" in text:
        return None
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
