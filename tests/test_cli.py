"""The essaybot command line: output, JSON contract, batch mode, exit codes, one-line errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answering import DEFAULT_POLICY
from bot.cli import main
from tests.helpers import ROOT, SEEDS

QUESTION = "Why is the current format of Russia-Belarus relations a dead end?"


class _Stdin(io.StringIO):
    def isatty(self) -> bool:
        return False


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_prints_quotes_and_citations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", QUESTION, "--seeds", str(SEEDS))
    assert code == 0, err
    assert "accustomed format of Russia-Belarus relations represents a dead end" in " ".join(
        out.split()
    )
    assert '— "Choosing between bad and bad", ¶4' in out


def test_ask_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", QUESTION, "--json", "-k", "4", "--seeds", str(SEEDS))
    payload = json.loads(out)
    assert code == 0
    assert payload["answered"] is True
    assert len(payload["hits"]) == 4
    assert payload["quotes"][0]["passage_id"] == "russia-belarus/choosing-between-bad-and-bad/4"
    assert payload["quotes"][0]["paragraph"] == 4


def test_batch_reads_one_question_per_line_as_json_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(f"{QUESTION}\n\nWhat is the capital of Australia?\n"))
    code, out, _ = run(capsys, "ask", "--json", "--seeds", str(SEEDS))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [r["answered"] for r in rows] == [True, False]


@pytest.mark.parametrize("piped", ["", "\n  \n"])
def test_an_empty_stdin_says_there_was_nothing_to_answer(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, piped: str
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(piped))
    code, out, err = run(capsys, "ask", "--json", "--seeds", str(SEEDS))
    assert (code, out) == (0, "")  # nothing asked is nothing wrong, and no answer
    assert err == "essaybot: no questions on stdin (one per line); nothing to answer\n"


def test_batch_plain_text_labels_each_question(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin("Lukashenko\nasdfghjkl\n"))
    code, out, _ = run(capsys, "ask", "--seeds", str(SEEDS))
    assert code == 0
    assert out.count("Q: ") == 2
    assert "The essays don't cover this." in out


def test_sections_lists_the_table_of_contents(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sections", "--seeds", str(SEEDS))
    assert code == 0
    assert "Russia-Belarus (18 paragraphs)" in out
    assert "4. In search of an alternative" in out


def test_the_paragraph_counts_stay_in_a_column_past_nine_sections(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sections = "".join(f"## Part {n}\n\nText {n}.\n\n" for n in range(1, 12))
    (tmp_path / "long.md").write_text(f"# Long\n\n{sections}", encoding="utf-8")
    code, out, _ = run(capsys, "sections", "--seeds", str(tmp_path))
    rows = [line for line in out.splitlines() if line.endswith("¶")]
    assert code == 0 and len(rows) == 11
    assert len({line.index("¶") for line in rows}) == 1, out
    assert len({line.index("Part") for line in rows}) == 1, out


def test_one_paragraph_is_no_paragraphs(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("A single paragraph about whales.\n", encoding="utf-8")
    code, out, _ = run(capsys, "sections", "--seeds", str(tmp_path))
    assert code == 0 and out.startswith("Note (1 paragraph)\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "   "], "the question is empty"),
        (["ask", "x", "-k", "0"], "-k takes a whole number from 1 to 50"),
        (["frobnicate"], "invalid choice"),
        (["ask", "x", "--seeds", "/no/such/folder"], "'/no/such/folder' does not exist"),
        (["eval", "/no/such/file.jsonl"], "file.jsonl: cannot be read"),
    ],
)
def test_errors_are_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert "Traceback" not in err


def test_an_empty_question_suggests_one_about_the_essays_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The shipped essay's example question only when the shipped essay is what is asked."""
    (tmp_path / "bees.md").write_text("# Bees\n\nBees make honey.\n", encoding="utf-8")
    _, _, shipped = run(capsys, "ask", "")
    _, _, own = run(capsys, "ask", "", "--seeds", str(tmp_path))
    assert "Russia-Belarus" in shipped
    assert "Russia-Belarus" not in own and "a question your essays answer" in own


def test_bad_setting_names_the_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESSAYBOT_TOP_K", "lots")
    code, _, err = run(capsys, "ask", QUESTION)
    assert code == 2
    assert err.startswith("essaybot: ESSAYBOT_TOP_K:")


def test_seeds_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, essays: Path
) -> None:
    monkeypatch.setenv("ESSAYBOT_SEEDS_DIR", str(essays))
    code, out, _ = run(capsys, "ask", "When should apple trees be pruned?")
    assert code == 0
    assert 'Keeping an Orchard, "Pruning", ¶1' in out


def test_not_utf8_seed_is_one_line(capsys: pytest.CaptureFixture[str], essays: Path) -> None:
    (essays / "bad.txt").write_bytes("Caf\xe9 society.".encode("latin-1"))
    code, _, err = run(capsys, "sections", "--seeds", str(essays))
    assert code == 2
    assert "bad.txt: not UTF-8" in err


@pytest.mark.slow
def test_eval_prints_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "eval", str(ROOT / "tests/eval/heldout.jsonl"), "--seeds", str(SEEDS)
    )
    assert code == 0
    assert "Success@1" in out and "MRR@10" in out
    assert out.startswith("63 questions (49 answerable) from ")


@pytest.mark.slow
def test_eval_takes_several_files_and_defaults_to_the_held_out_half(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    halves = sorted(Path("tests/eval").glob("heldout*.jsonl"))
    assert len(halves) > 1
    code, out, _ = run(capsys, "eval", *map(str, halves), "--seeds", str(SEEDS), "--json")
    assert code == 0
    total = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in halves)
    assert json.loads(out)["questions"] == total
    code, default, _ = run(capsys, "eval", "--seeds", str(SEEDS), "--json")
    assert code == 0 and json.loads(default) == json.loads(out)


def test_eval_without_files_away_from_the_repository_says_what_to_pass(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "eval", "--seeds", str(SEEDS))
    assert code == 2 and not out
    assert err.count("\n") == 1 and "pass one or more JSON Lines files" in err


def test_eval_lists_wrong_abstentions_and_wrong_quotes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Labels the bot must disagree with: an answered question marked unanswerable, and an
    # off-topic question marked as answered by the first paragraph.
    lines = [
        {"question": "Lukashenko", "relevant": []},
        {"question": "How do I bake bread?", "relevant": ["Belarusian president criticizing"]},
        {"question": "Are Moscow and Minsk formally allies?", "relevant": ["formally allies"]},
        # answered, from a passage other than the labelled one
        {"question": "Who is Lukashenko?", "relevant": ["formally allies"]},
    ]
    file = tmp_path / "labels.jsonl"
    file.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    code, out, _ = run(capsys, "eval", str(file), "--seeds", str(SEEDS), "--json")
    assert code == 0
    report = json.loads(out)
    assert [r["question"] for r in report["wrongly_answered"]] == ["Lukashenko"]
    assert [r["question"] for r in report["wrongly_declined"]] == ["How do I bake bread?"]
    assert report["wrongly_answered"][0]["confidence"] > report["wrongly_declined"][0]["confidence"]
    quoted = ["russia-belarus/choosing-between-bad-and-bad/2"]
    assert report["wrongly_quoted"] == [{"question": "Who is Lukashenko?", "quoted": quoted}]
    assert report["quoted_relevant"] == 0.5  # "formally allies" is answered from its passage
    code, out, _ = run(capsys, "eval", str(file), "--seeds", str(SEEDS))
    assert "declined, though answerable (1)" in out and "answered, though unanswerable (1)" in out
    assert "answered from passages without the answer (1)" in out


@pytest.mark.parametrize(
    ("threshold", "answered"),
    [("0", True), (str(DEFAULT_POLICY.min_confidence), False), ("1", False)],
)
def test_min_confidence_setting_decides_when_to_abstain(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    threshold: str,
    answered: bool,
) -> None:
    # A near miss: it names the essay's countries but asks what the essay never says.
    monkeypatch.setenv("ESSAYBOT_MIN_CONFIDENCE", threshold)
    code, out, _ = run(
        capsys,
        "ask",
        "What is the weather in Minsk today?",
        "--json",
        "--seeds",
        str(SEEDS),
    )
    assert code == 0 and json.loads(out)["answered"] is answered


@pytest.mark.slow
def test_python_dash_m_bot_is_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "Lukashenko", "--json", "--seeds", str(SEEDS)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["quotes"][0]["section"] == "Choosing between bad and bad"


@pytest.mark.slow
def test_ask_imports_neither_discord_nor_a_network_client() -> None:
    # Start-up time: discord.py is slow to import and `ask` does not need it; the similarity
    # model's files are read directly, with no deep-learning framework or hub client.
    code = (
        "import sys; from bot.cli import main; main(['ask', 'Lukashenko', '--seeds', sys.argv[1]]);"
        "print({'discord', 'requests', 'torch', 'huggingface_hub', 'transformers'}"
        " & set(sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(SEEDS)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert result.stdout.strip().endswith("set()")


@pytest.mark.slow
def test_bench_json_reports_every_system_and_exactness(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "bench", "--sizes", "300", "--queries", "5", "--json", "--seeds", str(SEEDS)
    )
    figures = json.loads(out)
    assert code == 0
    systems = {row["system"]: row for row in figures["rows"]}
    assert {"rank-bm25", "essaybot"} <= set(systems)
    assert systems["essaybot"]["exact"] is True
    assert systems["essaybot@100"]["exact"] is True
    assert all(row["p50_ms"] > 0 and row["peak_mb"] > 0 for row in figures["rows"])
    shipped = figures["shipped_essay"]
    assert shipped["questions"] > 0
    # the cascade's share and the targets are reported beside the figures
    assert 0 <= shipped["model_not_run"] <= shipped["questions"]
    assert 0 <= shipped["model_loaded_cold"] <= shipped["cold_runs"] == 10
    assert shipped["cold_floor_median_s"] > 0  # what no start can beat, beside the starts
    assert (
        shipped["targets_met"].count(":") == 3
        and "cold_ask_median_s<=0.3:" in (shipped["targets_met"])
    )
    assert shipped["repeated_question_p50_ms"] > 0 and shipped["new_question_p50_ms"] > 0


def test_bench_rejects_bad_sizes(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "bench", "--sizes", "10,x")
    assert code == 2 and "--sizes takes numbers of passages" in err


def test_bench_says_a_missing_seeds_folder_before_it_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "bench", "--sizes", "1000", "--seeds", str(tmp_path / "none"))
    assert code == 2 and out == "" and "does not exist" in err and err.count("\n") == 1


def test_batch_never_echoes_control_characters(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin("Lukashenko\x1b[2J\x07?\n\x00\x01\n😀 Лукашенко\n"))
    code, out, _ = run(capsys, "ask", "--seeds", str(SEEDS))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    assert out.count("Q: ") == 3 and "Q: 😀 Лукашенко" in out


@pytest.mark.parametrize("paragraphs", [1, 2, 3])
def test_an_essay_of_one_to_three_paragraphs_answers_what_it_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], paragraphs: int
) -> None:
    text = [
        "Whales sing long songs that carry under the sea for many kilometres.",
        "Ships are loud, and their engines drown the songs out in busy lanes.",
        "Quiet zones for shipping have been proposed near breeding grounds.",
    ][:paragraphs]
    (tmp_path / "whales.txt").write_text("\n\n".join(text) + "\n", encoding="utf-8")
    for number, paragraph in enumerate(text, start=1):
        code, out, _ = run(capsys, "ask", paragraph, "--json", "--seeds", str(tmp_path))
        answer = json.loads(out)
        assert code == 0 and answer["answered"], paragraph
        assert answer["quotes"][0]["paragraph"] == number
    code, out, _ = run(capsys, "ask", "What is the capital of France?", "--seeds", str(tmp_path))
    assert "don't cover" in out


@pytest.mark.parametrize(
    ("argv", "environment", "dotenv", "message"),
    [
        (["ask", "x"], {"ESSAYBOT_SEEDS_DIR": ""}, None, "ESSAYBOT_SEEDS_DIR is empty in the env"),
        (["ask", "x"], {}, "ESSAYBOT_SEEDS_DIR=\n", "ESSAYBOT_SEEDS_DIR is empty in .env"),
        (["ask", "x", "--seeds", ""], {}, None, "--seeds: give a folder of essays"),
        (["sections", "--seeds", " "], {}, None, "--seeds: give a folder of essays"),
        (["ask", "x"], {}, "ESSAYBOT_TOP_K=3\n".encode("utf-16"), ".env is not UTF-8 text; save"),
        (["discord"], {"ESSAYBOT_DISCORD_TOKEN": ""}, None, "ESSAYBOT_DISCORD_TOKEN is not set"),
        (["discord"], {}, "ESSAYBOT_DISCORD_TOKEN=  \n", "ESSAYBOT_DISCORD_TOKEN is not set"),
        (["ask", "x", "--seeds", str(SEEDS)], {"ESSAYBOT_GUILD_ID": "x"}, None, "GUILD_ID: Input"),
    ],
    ids=[
        "empty seeds variable",
        "empty seeds in .env",
        "empty --seeds",
        "blank --seeds",
        "UTF-16 .env",
        "empty token",
        "blank token in .env",
        "bad guild id",
    ],
)
def test_blank_and_unreadable_settings_are_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    argv: list[str],
    environment: dict[str, str],
    dotenv: str | bytes | None,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # a working directory full of essays-to-be, were "" taken as "."
    (tmp_path / "notes.txt").write_text("Not an essay anyone asked about.\n", encoding="utf-8")
    if dotenv is not None:
        data = dotenv.encode() if isinstance(dotenv, str) else dotenv
        (tmp_path / ".env").write_bytes(data)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err, err


def test_empty_optional_settings_are_unset(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GUILD_ID", "TOP_K", "SHARD_COUNT", "SHARD_IDS", "DISCORD_TOKEN"):
        monkeypatch.setenv(f"ESSAYBOT_{name}", "")
    code, out, err = run(capsys, "ask", QUESTION, "--json", "--seeds", str(SEEDS))
    assert code == 0 and not err
    assert len(json.loads(out)["hits"]) == 5  # the default k


def _essaybot(args: list[str | bytes], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """`python -m bot` in a UTF-8 locale, bytes in and out."""
    environment = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        check=False,
        cwd=ROOT,
        env=environment,
    )


@pytest.mark.slow
def test_bytes_that_are_not_utf8_in_argv_or_stdin_keep_the_json_valid() -> None:
    result = _essaybot(["ask", b"Lukashenko\xff\xfe?", "--json", "--seeds", str(SEEDS)])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.decode("utf-8"))["question"] == "Lukashenko\ufffd\ufffd?"
    lines = b"Lukashenko\xff?\n\xc3(\nWhy is \xed\xa0\x80 Belarus?\n"
    result = _essaybot(["ask", "--json", "--seeds", str(SEEDS)], stdin=lines)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [row["question"] for row in rows][:2] == ["Lukashenko\ufffd?", "\ufffd("]
    assert len(rows) == 3 and "\ufffd" in rows[2]["question"]
    result = _essaybot(["ask", "--seeds", str(SEEDS)], stdin=lines)  # plain text too
    assert result.returncode == 0 and "Q: Lukashenko\ufffd?" in result.stdout.decode("utf-8")


ESCAPES = """\
Escapes

A first paragraph about the weather, which is mild.

Then a second about the harvest, which was late.

And a third about the market, which was busy.

Colour \x1b[31mcodes

The colour \x1b[31mred\x1b[0m sets a window title \x1b]0;pwned\x07 and clears \x9b2J the screen.
"""
_CONTROLS = ("\x1b", "\x07", "\x9b")


def test_terminal_escapes_in_essays_are_not_printed_raw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "escapes.txt").write_text(ESCAPES, encoding="utf-8")
    question = "Which colour sets a window title and clears the screen?"
    for argv in (["ask", question], ["sections"], ["eval", str(_gold(tmp_path, question))]):
        code, out, err = run(capsys, *argv, "--seeds", str(tmp_path))
        assert code == 0, err
        assert not any(c in out for c in _CONTROLS), (argv, out)
        assert "\ufffd" in out  # shown, as the replacement character
    code, out, _ = run(capsys, "ask", question, "--json", "--seeds", str(tmp_path))
    assert code == 0 and "\x1b[31mred\x1b[0m" in json.loads(out)["quotes"][0]["text"]


def _gold(folder: Path, question: str) -> Path:
    """A gold file whose only question misses: its first hit is printed."""
    path = folder / "gold.jsonl"
    path.write_text(json.dumps({"question": question, "relevant": ["mild"]}), encoding="utf-8")
    return path


def test_a_malformed_eval_file_is_one_line_naming_the_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gold = tmp_path / "x.jsonl"
    good = json.dumps({"question": "Who is Lukashenko?", "relevant": ["Lukashenko"]})
    bad = json.dumps({"question": "Who?", "relevant": "a string"})  # once: every ¶ relevant
    gold.write_text(f"{good}\n{good}\n{bad}\n", encoding="utf-8")
    code, out, err = run(capsys, "eval", str(gold), "--seeds", str(SEEDS))
    assert (code, out) == (2, "")
    assert err == f'essaybot: {gold}:3: "relevant" must be a list of strings, not a string\n'


def test_a_published_essay_links_each_quote_to_its_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "levees.md").write_text(
        "---\nurl: https://example.org/levees\n---\n# Levees\n\n"
        "Levees protect towns but push the flood downstream, and engineers now prefer to "
        "give rivers room to spread over fields.\n\nFloodplains store water in heavy rain.\n",
        encoding="utf-8",
    )
    question = "Why do engineers prefer to give rivers room?"
    code, out, _ = run(capsys, "ask", question, "--json", "--seeds", str(tmp_path))
    assert code == 0
    (quote,) = json.loads(out)["quotes"]
    assert quote["link"] == (
        "https://example.org/levees#:~:text=Levees%20protect%20towns,spread%20over%20fields."
    )
    _, out, _ = run(capsys, "ask", question, "--seeds", str(tmp_path))
    assert quote["link"] in out
    _, out, _ = run(capsys, "ask", QUESTION, "--json", "--seeds", str(SEEDS))
    assert all("link" not in q for q in json.loads(out)["quotes"])  # no url: no link


def test_a_quoted_code_block_links_to_its_lines_without_the_fences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tallyho.md").write_text(
        "---\nurl: https://example.org/tallyho\n---\n# Tallyho\n\nIt counts words.\n\n"
        "## Install\n\nInstall it from PyPI with pip:\n\n```sh\npip install tallyho\n```\n\n"
        "## Other\n\nThe cat sleeps.\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "ask", "How do I install tallyho?", "--json", "--seeds", str(tmp_path)
    )
    assert code == 0
    quotes = {q["text"]: q["link"] for q in json.loads(out)["quotes"]}
    link = "https://example.org/tallyho#:~:text=pip%20install%20tallyho"  # the page shows no ```
    assert quotes["```\npip install tallyho\n```"] == link


@pytest.mark.parametrize(
    "question", [QUESTION, "Who would welcome Chinese investment?", "What is the weather in Minsk?"]
)
def test_k_changes_only_how_many_passages_are_listed(
    capsys: pytest.CaptureFixture[str], question: str
) -> None:
    answers = []
    for k in ("1", "2", "5"):
        _, out, _ = run(capsys, "ask", question, "--json", "-k", k, "--seeds", str(SEEDS))
        answers.append(json.loads(out))
    assert [len(a["hits"]) for a in answers][:2] == [1, 2]  # k lists (those that match)
    assert len({json.dumps([a["answered"], a["quotes"]]) for a in answers}) == 1


def test_eval_without_files_on_other_essays_asks_for_their_questions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, essays: Path
) -> None:
    monkeypatch.chdir(ROOT)  # where the shipped essay's questions are the default
    code, out, err = run(capsys, "eval", "--seeds", str(essays))
    assert code == 2 and not out
    assert err.count("\n") == 1 and "ask about the shipped essay" in err


def test_essaybot_alone_starts_the_interactive_session(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Trial round 9: "essaybot" alone said "the following arguments are required: command".
    monkeypatch.chdir(SEEDS.parent)  # the default essays, `seeds`
    monkeypatch.setattr(sys, "stdin", _Stdin(f"{QUESTION}\n"))
    code, out, err = run(capsys)
    assert code == 0, err
    assert "Ask a question, or :help." in out + err
    assert "dead end" in " ".join(out.split())


def test_json_output_escapes_del_and_c1_controls(capsys: pytest.CaptureFixture[str]) -> None:
    """Red-team round 15: a logged question's "\\x9b2J" (a terminal command, as ESC [ 2J is)
    reached the reader's terminal raw through `gaps --json`; `ask --json` printed it too."""
    question = "\x9b2J\x9b31mWho would welcome\x7f Chinese investment?\x9d0;x\x9c"
    code, out, _ = run(capsys, "ask", question, "--json", "--seeds", str(SEEDS))
    assert code == 0
    assert not any(0x7F <= ord(c) < 0xA0 for c in out)
    assert "\\u009b2J" in out and json.loads(out)["question"] == question
