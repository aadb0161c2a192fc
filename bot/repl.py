"""The interactive session: ask questions, browse sections, inspect the ranking."""

from __future__ import annotations

import contextlib
import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from bot.answering import Answer, Answerer, Evidence, Outcome
from bot.question_log import QuestionLog, record_terminal
from bot.render import (
    printable,
    render_answer,
    render_hits,
    render_section,
    render_sections,
    text_width,
)
from index import Document, Section, find_sections, with_parts

__all__ = ["Repl"]

PROMPT = "essaybot> "
# The REPL's commands typed with '/' out of habit (Discord's spelling): a hint, not a question.
_SLASH_COMMANDS = frozenset(
    {"/help", "/sections", "/section", "/quit", "/q", "/exit", "/debug", "/k"}
)
HELP = """\
Type a question and press Enter; answers are quotes from the essays with their citations.
You can also ask what an essay is about, or for a section by its number ("section 2").
  :sections        table of contents
  :section NAME    print a whole section: a unique prefix of its heading, "Title: heading",
                   or its number in :sections ("2.3")
  :k N             rank N passages per question (now {k})
  :debug           show or hide the ranked passages and their scores (now {debug})
  :help            this help
  :quit            leave (Ctrl-D works too; Ctrl-C clears the line)"""
_COMMANDS = (":sections", ":section ", ":k ", ":debug", ":help", ":quit")
# Commands typed without their colon: said alone they ask nothing of the essays.
_BARE_COMMANDS = frozenset({"quit", "exit", "sections"})
# An empty ESSAYBOT_HISTORY counts as unset, as an empty setting does.
_HISTORY = Path(os.environ.get("ESSAYBOT_HISTORY") or "~/.essaybot_history").expanduser()


class Repl:
    """A read-answer loop over `read` (input() by default) writing to `out`."""

    def __init__(
        self,
        answerer: Answerer,
        out: TextIO,
        read: Callable[[str], str] = input,
        *,
        log: QuestionLog | None = None,
    ) -> None:
        self.answerer = answerer
        self.log = log
        self.out = out
        self.read = read
        self.k = answerer.policy.top_k
        self.debug = False
        self.documents = answerer.index.documents

    def say(self, text: str) -> None:
        """Write one block of output."""
        print(text, file=self.out, flush=True)

    def run(self) -> int:
        """Loop until :quit or end of input; return the exit status."""
        passages = len(self.answerer.index.passages)
        self.say(
            f"essaybot: {len(self.documents)} essay(s), {passages} passage"
            f"{'' if passages == 1 else 's'}. "
            "Ask a question, or :help."
        )
        while True:
            try:
                line = self.read(PROMPT)
            except EOFError:
                self.say("")
                return 0
            except KeyboardInterrupt:  # Ctrl-C drops the line, not the session
                self.say("^C")
                continue
            try:
                if not self.handle(line.strip()):
                    return 0
            except KeyboardInterrupt:
                self.say("^C")

    def handle(self, line: str) -> bool:
        """Act on one line; False means leave."""
        if not line:
            return True
        slash, _, _ = line.partition(" ")
        if slash in _SLASH_COMMANDS:  # Discord's spelling of a command
            self.say(f"In the terminal, commands start with ':' (:{slash[1:]}); :help lists them.")
            return True
        bare = line.casefold().rstrip("?!. ")
        if bare == "help":  # asks nothing of the essays
            line = ":help"
        elif bare in _BARE_COMMANDS:
            self.say(f"Commands start with ':' (:{bare}); :help lists them.")
            return True
        if not line.startswith(":"):
            answer = self.answerer.ask(line, k=self.k)
            if self.log:
                record_terminal(self.log, answer, self.answerer.index)
            several = len(self.documents) > 1
            self.say(render_answer(answer, with_document=several, width=text_width()))
            read = answer.read_as or answer.question
            if self.debug and answer.read_as:  # respelling is shown in :debug only
                self.say(f"\nread as: {printable(read)}")
            if self.debug:
                self.say(self._evidence(answer))
            return True
        command, _, argument = line.partition(" ")
        argument = argument.strip()
        if command in (":quit", ":q", ":exit"):
            return False
        if command == ":help":
            self.say(HELP.format(k=self.k, debug="on" if self.debug else "off"))
        elif command == ":sections":
            self.say(render_sections(self.documents))
        elif command == ":section":
            self._section(argument)
        elif command == ":k":
            self._set_k(argument)
        elif command == ":debug":
            self.debug = not self.debug
            self.say(f"debug {'on' if self.debug else 'off'}")
        else:
            self.say(f"Unknown command {printable(command)}; :help lists the commands.")
        return True

    def _evidence(self, answer: Answer) -> str:
        """The confidence, from the evidence the answer carries, and the ranked passages; the
        confidence's line wrapped to the terminal, as answers are (trial round 17: 150
        columns)."""
        if answer.outcome in (Outcome.EMPTY, Outcome.TOO_LONG):
            return "\nnothing was looked up"
        if answer.answered and answer.surest is None:  # a byline, an opening, a numbered part
            said = (
                f"confidence {answer.confidence:.2f}: found without ranking (who wrote it, what "
                "it is about, a part asked for by its number); quoted passages:"
            )
        elif not answer.hits or answer.surest is None:
            return "\nconfidence 0.00: no passage shares a word with the question"
        else:
            said = self._confidence(answer, answer.surest) + "; ranked passages:"
        width = text_width()
        return "\n" + textwrap.fill(said, width) + "\n" + render_hits(answer.hits, width)

    def _confidence(self, answer: Answer, sure: Evidence) -> str:
        """How sure the answer is, from which passage, and the threshold it is held to."""
        but = f", but {answer.declined_because}" if answer.declined_because else ""
        meaning = (
            "the words decided, the sentence model was not run"
            if sure.similarity is None
            else f"similarity {sure.similarity:.2f}"
        )
        threshold = self.answerer.policy.min_confidence
        # Two places, or four where two would hide which side of the threshold it is on
        places = 4 if f"{answer.confidence:.2f}" == f"{threshold:.2f}" else 2
        # with a small :k the surest passage may rank below the ones listed
        hits = len(answer.hits)
        unlisted = f", below the {hits} listed" if sure.rank > hits else ""
        return (
            f"confidence {answer.confidence:.{places}f} (passage {sure.rank}{unlisted}: "
            f"coverage {sure.coverage:.2f}, {meaning}; answers from {threshold:.2f}){but}"
        )

    def _section(self, name: str) -> None:
        if not name:
            self.say("Usage: :section NAME (see :sections for the names)")
            return
        found = find_sections(self.documents, name)
        if len(found) == 1:
            document, section = found[0]
            self.say(render_section(document, list(with_parts(document, section)), text_width()))
        elif not found:
            self.say(f"No section is called {name!r}; :sections lists them.")
        else:
            options = printable(self._numbered(found))
            text = f"{name!r} could be any of {options}; type more of the name, or its number."
            # wrapped between words: a terminal wraps a long line mid-word
            self.say(textwrap.fill(text, text_width(), break_long_words=False))

    def _numbered(self, found: list[tuple[Document, Section]]) -> str:
        """Sections as `:section` takes them: "2.3" and "Title: heading", or with one essay
        "3" and "heading" (two "Introduction"s are told apart by number; the first ten)."""
        labels = []
        for document, section in found[:10]:
            d = next(i for i, doc in enumerate(self.documents, 1) if doc is document)
            n = next((i for i, s in enumerate(document.sections, 1) if s is section), None)
            if len(self.documents) == 1:
                named, number = f'"{section.heading}"', f"{n}"
            else:
                named, number = f'"{document.title}: {section.heading}"', f"{d}.{n}"
            labels.append(named if n is None else f"{number} {named}")  # no text: no number
        return ", ".join(labels)

    def _set_k(self, argument: str) -> None:
        if argument.isdecimal() and 1 <= int(argument) <= 50:
            self.k = int(argument)
            self.say(f"k = {self.k}")
        else:
            self.say("Usage: :k N, with N from 1 to 50")

    def complete(self, text: str, state: int) -> str | None:
        """readline completer: commands, then section headings after ':section '."""
        import readline

        line = readline.get_line_buffer()
        if line.startswith(":section "):
            prefix = line[len(":section ") :].casefold()
            options = [
                s.heading
                for d in self.documents
                for s in d.sections
                if s.heading.casefold().startswith(prefix)
            ]
            # readline replaces only the last word; offer the rest of that word onward.
            start = len(line) - len(text) - len(":section ")
            options = [o[start:] for o in options]
        else:
            options = [c for c in _COMMANDS if c.startswith(text)]
        return options[state] if state < len(options) else None


@contextlib.contextmanager
def line_editing(repl: Repl) -> Iterator[None]:
    """Turn on readline editing, history in ~/.essaybot_history and tab completion."""
    try:
        import readline
    except ImportError:  # not every platform has it; the loop works without
        yield None
        return
    with contextlib.suppress(OSError):
        readline.read_history_file(_HISTORY)
    readline.set_history_length(1000)
    readline.set_completer(repl.complete)
    readline.set_completer_delims(" ")
    readline.parse_and_bind("tab: complete")
    try:
        yield None
    finally:
        with contextlib.suppress(OSError):
            readline.write_history_file(_HISTORY)
