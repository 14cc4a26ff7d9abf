"""The main window's actions, shortcuts and menus, built in one place."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar

from studio.ui.icons import icon


@dataclass
class WindowActions:
    """Every user command of the main window (each with its shortcut shown in menus)."""

    synthesize: QAction
    play_pause: QAction
    stop: QAction
    save: QAction
    copy_clip: QAction
    audition: QAction
    history: QAction
    batch: QAction
    pronunciation: QAction
    voices: QAction
    new_clone: QAction
    dictionaries: QAction
    api_key: QAction
    preferences: QAction
    about: QAction
    quit: QAction


def _action(
    window: QMainWindow, text: str, icon_name: str | None, shortcuts: list[str], tip: str
) -> QAction:
    action = QAction(icon(icon_name) if icon_name else QAction().icon(), text, window)
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        keys = ", ".join(
            QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts
        )
        tip = f"{tip} ({keys})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    window.addAction(action)
    return action


def _keep_width(toolbar: QToolBar, action: QAction, labels: tuple[str, ...]) -> None:
    """Size the action's tool button for its widest label, so relabelling never reflows."""
    button = toolbar.widgetForAction(action)
    if button is None:
        return
    original = action.text()
    widths = []
    for label in (*labels, original):
        action.setText(label)
        widths.append(button.sizeHint().width())
    action.setText(original)
    button.setMinimumWidth(max(widths))


def build_actions(window: QMainWindow) -> WindowActions:
    """Create the actions, the toolbar and the menu bar of `window`."""
    actions = WindowActions(
        synthesize=_action(
            window,
            "&Speak",
            "synthesize",
            ["Ctrl+Return", "Ctrl+Enter"],
            "Render the text (or the selection) and play it as it arrives",
        ),
        play_pause=_action(
            window, "&Play", "play", ["Space", "Ctrl+Space"], "Play or pause the last clip"
        ),
        stop=_action(
            window, "S&top", "stop", ["Escape"], "Stop playback and cancel a running render"
        ),
        save=_action(
            window,
            "&Save clip…",
            "save",
            ["Ctrl+S"],
            "Save the last clip as WAV, MP3, FLAC, OGG or raw audio",
        ),
        copy_clip=_action(
            window,
            "&Copy clip",
            "copy",
            ["Ctrl+Shift+C"],
            "Copy the last clip to the clipboard as a WAV file",
        ),
        audition=_action(
            window,
            "&Audition grid",
            "grid",
            ["Ctrl+G"],
            "Render the line for up to nine voices and settings side by side",
        ),
        history=_action(
            window,
            "&History",
            "history",
            ["Ctrl+H"],
            "Every take: search, replay, re-export, restore settings",
        ),
        batch=_action(
            window,
            "&Batch render…",
            "grid",
            ["Ctrl+Shift+B"],
            "Render every row of a CSV or every file of a folder, with resume after a crash",
        ),
        pronunciation=_action(
            window,
            "Pronunciation &test…",
            "dictionary",
            ["Ctrl+T"],
            "Check that every dictionary rule really changes the audio",
        ),
        voices=_action(
            window, "&Voices…", "voices", ["Ctrl+B"], "Browse, search and preview voices"
        ),
        new_clone=_action(
            window,
            "New &clone…",
            "add",
            [],
            "Record or import 5–15 s of a voice and make an instant clone of it",
        ),
        dictionaries=_action(
            window,
            "&Dictionaries…",
            "dictionary",
            ["Ctrl+D"],
            "Create and edit pronunciation dictionaries",
        ),
        api_key=_action(window, "API &key…", "key", [], "Enter, test or forget your Waves API key"),
        preferences=_action(
            window,
            "&Preferences…",
            "preferences",
            ["Ctrl+,"],
            "Backend, streaming, audio device and saving options",
        ),
        about=_action(window, "&About Waves Studio", "about", [], "Version, licence and backend"),
        quit=_action(window, "&Quit", None, ["Ctrl+Q"], "Quit Waves Studio"),
    )
    actions.save.setEnabled(False)
    actions.copy_clip.setEnabled(False)

    toolbar = QToolBar("Main", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setMovable(False)
    for action in (actions.synthesize, actions.play_pause, actions.stop, actions.save):
        toolbar.addAction(action)
    toolbar.addSeparator()
    toolbar.addAction(actions.audition)
    toolbar.addSeparator()
    for action in (actions.voices, actions.dictionaries, actions.preferences):
        toolbar.addAction(action)
    window.addToolBar(toolbar)
    _keep_width(toolbar, actions.play_pause, ("&Play", "&Pause"))

    menus = window.menuBar()
    file_menu = menus.addMenu("&File")
    file_menu.addActions([actions.save, actions.copy_clip])
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    speech_menu = menus.addMenu("&Speech")
    speech_menu.addActions([actions.synthesize, actions.play_pause, actions.stop])
    speech_menu.addSeparator()
    speech_menu.addActions([actions.audition, actions.history, actions.batch])
    tools_menu = menus.addMenu("&Tools")
    tools_menu.addActions(
        [actions.voices, actions.new_clone, actions.dictionaries, actions.pronunciation]
    )
    tools_menu.addSeparator()
    tools_menu.addActions([actions.api_key, actions.preferences])
    help_menu = menus.addMenu("&Help")
    help_menu.addAction(actions.about)
    return actions
