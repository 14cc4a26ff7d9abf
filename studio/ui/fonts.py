"""Bundled Noto fonts for the Indic scripts, registered so a machine without them shows the text."""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources

from PySide6.QtGui import QFontDatabase

log = logging.getLogger(__name__)

# One sample per script the Waves languages use (hi/mr, bn, pa, gu, or, ta, te, kn, ml).
SCRIPT_SAMPLES: dict[str, str] = {
    "Devanagari": "नमस्ते, आप कैसे हैं? मराठी",
    "Bengali": "নমস্কার, আপনি কেমন আছেন?",
    "Gurmukhi": "ਸਤ ਸ੍ਰੀ ਅਕਾਲ, ਤੁਸੀਂ ਕਿਵੇਂ ਹੋ?",
    "Gujarati": "નમસ્તે, તમે કેમ છો?",
    "Oriya": "ନମସ୍କାର, ଆପଣ କେମିତି ଅଛନ୍ତି?",
    "Tamil": "வணக்கம், நீங்கள் எப்படி இருக்கிறீர்கள்?",
    "Telugu": "నమస్కారం, మీరు ఎలా ఉన్నారు?",
    "Kannada": "ನಮಸ್ಕಾರ, ನೀವು ಹೇಗಿದ್ದೀರಿ?",
    "Malayalam": "നമസ്കാരം, സുഖമാണോ?",
}


# Scripts of the other offered languages, which the system's fonts cover (DejaVu: Greek,
# Cyrillic, Arabic; fonts-noto-cjk: Chinese, Japanese, Korean; see scripts/setup).
SYSTEM_SCRIPT_SAMPLES: dict[str, str] = {
    "Greek": "Καλημέρα",
    "Cyrillic": "Здравствуйте",
    "Arabic": "مرحبا بكم",
    "Han": "你好，世界",
    "Japanese": "こんにちは、カタカナ",
    "Hangul": "안녕하세요",
}


def font_files() -> list[str]:
    """Names of the bundled font files (one regular face per script)."""
    return [f"NotoSans{script}-Regular.ttf" for script in SCRIPT_SAMPLES]


@cache
def register_bundled_fonts() -> tuple[str, ...]:
    """Add the bundled fonts to the application's font database (once); returns their families.

    Qt's font fallback then picks them for any text in those scripts, whatever the widget
    font. A file that cannot be read is logged and skipped: the text would show as boxes,
    the rest of the app still works. Loading from memory keeps this working from a zip.
    """
    folder = resources.files("studio.assets") / "fonts"
    families: list[str] = []
    for name in font_files():
        try:
            data = (folder / name).read_bytes()
        except OSError:
            log.warning("Bundled font %s is missing; its script may show as boxes", name)
            continue
        font_id = QFontDatabase.addApplicationFontFromData(data)
        if font_id < 0:
            log.warning("Qt refused the bundled font %s", name)
            continue
        families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return tuple(families)
