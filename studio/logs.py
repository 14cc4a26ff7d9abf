"""Logging to a rotating file in the platform log folder, with every secret redacted first."""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path

from studio import APP_NAME
from studio.core.untrusted import REDACTED, redact_secrets, register_secret

# Anything that looks like a Waves key or a bearer credential, wherever it appears.
_PATTERNS = (
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(bearer\s+)?[^\s'\",}]+"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]+"),
    re.compile(r"()\bsk_[A-Za-z0-9_\-]{4,}"),
    re.compile(r"(?i)((?:api[_-]?key|token)['\"]?\s*[:=]\s*['\"]?)[^\s'\",}&]+"),
)


class RedactingFilter(logging.Filter):
    """Removes known secrets and key-shaped strings from every record before it is written.

    The filter renders the message (args included) and the exception text, redacts them,
    and stores the results back so no handler ever sees the original.
    """

    def add_secret(self, secret: str | None) -> None:
        """Redact this exact value too (e.g. a key that does not start with sk_).

        The value goes into core.untrusted's one registry, so it is also kept out of every
        server string shown or raised.
        """
        register_secret(secret)

    def redact(self, text: str) -> str:
        """Return text with every secret and key-shaped string replaced by [REDACTED]."""
        text = redact_secrets(text)
        for pattern in _PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops it."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not hide the record
            message = str(record.msg)
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info:
            formatter = logging.Formatter()
            record.exc_text = self.redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


# One filter for the process: secrets are registered once and apply to every handler.
_redactor = RedactingFilter()


# Handlers setup_logging added, so that a second call replaces rather than duplicates them.
_installed: list[logging.Handler] = []


def teardown_logging() -> None:
    """Remove and close the handlers setup_logging installed."""
    root = logging.getLogger()
    while _installed:
        handler = _installed.pop()
        root.removeHandler(handler)
        handler.close()


def redactor() -> RedactingFilter:
    """The process-wide redacting filter (register the API key with add_secret)."""
    return _redactor


def default_log_dir() -> Path:
    """The platform's user log folder for the app."""
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def setup_logging(log_dir: Path | None = None, level: int = logging.INFO) -> Path:
    """Send the root logger to `log_dir/waves-studio.log` (rotating, 1 MiB x 5) and stderr.

    Returns:
        The log file path.
    """
    folder = log_dir or default_log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "waves-studio.log"
    root = logging.getLogger()
    root.setLevel(level)
    teardown_logging()
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1024 * 1024, backupCount=5, encoding="utf-8"
    )
    stream_handler = logging.StreamHandler(sys.stderr)
    stream_handler.setLevel(logging.WARNING)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    handlers: list[logging.Handler] = [file_handler, stream_handler]
    for handler in handlers:
        handler.setFormatter(fmt)
        handler.addFilter(_redactor)
        root.addHandler(handler)
        _installed.append(handler)
    # urllib3 logs request lines at DEBUG; keep them, the filter redacts headers.
    return path


def setup_command_logging(log_dir: Path) -> None:
    """Logging for the `render` and `clone` commands: to the log file only, redacted.

    A command prints its outcome and its errors as sentences; the warnings behind them
    (a cache skipped, a stream falling back to HTTP) go to the app's log file, never to the
    terminal, where Python's last-resort handler would print them bare and unredacted.
    An unwritable log folder loses the log, not the command. Undo with teardown_logging().
    """
    teardown_logging()
    handler: logging.Handler
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_dir / "waves-studio.log", maxBytes=1024 * 1024, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
    )
    handler.addFilter(_redactor)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    _installed.append(handler)
