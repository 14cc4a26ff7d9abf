"""Undo and redo as a stack of commands over immutable project values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from studio.core.project import Project

Step = Callable[[Project], Project]
MAX_UNDO = 1000


@dataclass(frozen=True)
class Command:
    """One undoable edit. Both steps are functions of the *current* project (not snapshots),
    so takes that renders add between doing and undoing survive the undo.

    Attributes:
        label: For the Edit menu ("Undo Edit text").
        forward, backward: Do and undo.
        merge_key: Consecutive commands with the same non-empty key merge (typing in one block).
    """

    label: str
    forward: Step
    backward: Step
    merge_key: str = ""


def sequence(label: str, commands: Sequence[Command]) -> Command:
    """One command doing `commands` in order and undoing them in reverse."""
    steps = list(commands)

    def forward(project: Project) -> Project:
        for step in steps:
            project = step.forward(project)
        return project

    def backward(project: Project) -> Project:
        for step in reversed(steps):
            project = step.backward(project)
        return project

    return Command(label, forward, backward)


class UndoStack:
    """The current project with its undo and redo stacks.

    Attributes:
        project: The current value.
        version: Increases with every change (edits, undo, redo, renders): autosave compares it.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self.version = 0
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._sealed = True

    @property
    def undo_label(self) -> str:
        """What Undo would undo, or "" when there is nothing."""
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        """What Redo would redo, or "" when there is nothing."""
        return self._redo[-1].label if self._redo else ""

    def undo(self) -> Project:
        """Undo the last command (no-op without one)."""
        if self._undo:
            self.set(self._undo[-1].backward(self.project))  # pop only once it worked
            self._redo.append(self._undo.pop())
            self._sealed = True
        return self.project

    def redo(self) -> Project:
        """Redo the last undone command (no-op without one)."""
        if self._redo:
            self.set(self._redo[-1].forward(self.project))
            self._undo.append(self._redo.pop())
            self._sealed = True
        return self.project

    def seal(self) -> None:
        """End a run of merging edits (the caret left the block, a pause in typing)."""
        self._sealed = True

    def do(self, command: Command) -> Project:
        """Apply a command and push it (a command that changes nothing is not pushed)."""
        before = self.project
        self.set(command.forward(before))
        if self.project is before:
            return before
        top = self._undo[-1] if self._undo else None
        if command.merge_key and not self._sealed and top and top.merge_key == command.merge_key:
            self._undo[-1] = Command(command.label, command.forward, top.backward, top.merge_key)
        else:
            self._undo.append(command)
            del self._undo[:-MAX_UNDO]
        self._redo.clear()
        self._sealed = not command.merge_key
        return self.project

    def set(self, project: Project) -> None:
        """Replace the current project without an undo step (renders, dictionary refreshes)."""
        if project is not self.project:
            self.project = project
            self.version += 1
