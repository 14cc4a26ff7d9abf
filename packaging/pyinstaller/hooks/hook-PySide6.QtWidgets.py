"""PySide6.QtWidgets without the Qt plugins and translations the app never uses (see qt_trim.py)."""

from qt_trim import trimmed_qt_dependencies

hiddenimports, binaries, datas = trimmed_qt_dependencies(__file__)
