"""Screenshots of the flows for docs/screenshots/."""

from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page, flow: str, lang: str | None = None) -> Path:
    """A full-page PNG named after the flow and the language the page is in (or `lang`, for
    the bilingual error pages)."""
    lang = lang or page.locator("html").get_attribute("lang") or ""
    path = SCREENSHOTS / f"{flow}-{'en' if lang.startswith('en') else 'zh'}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=True)
    return path
