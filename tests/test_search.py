"""PassageIndex: passage ids, citations' parts, ranking and where repeated sentences live."""

from __future__ import annotations

from pathlib import Path

from index import PassageIndex, load_documents
from index.parsing import parse_document
from index.passages import split_passages
from index.variants import resolve_unknown


def test_passage_ids_are_readable_and_stable(seed_index: PassageIndex) -> None:
    ids = [p.id for p in seed_index.passages]
    assert len(ids) == len(set(ids)) == 18
    assert ids[0] == "russia-belarus/introduction/1"
    assert "russia-belarus/the-source-of-grievances/2" in ids
    rebuilt = PassageIndex(seed_index.documents)
    assert [p.id for p in rebuilt.passages] == ids


def test_search_ranks_from_one_with_positive_scores(seed_index: PassageIndex) -> None:
    hits = seed_index.search("Lukashenko news conference", 3)
    assert [h.rank for h in hits] == [1]  # only one passage mentions either word
    assert hits[0].passage.id == "russia-belarus/choosing-between-bad-and-bad/2"
    assert hits[0].score > 0


def test_section_heading_words_find_its_paragraphs(seed_index: PassageIndex) -> None:
    hits = seed_index.search("search", 10)
    assert {h.passage.section for h in hits} == {"In search of an alternative"}


def test_demonyms_match_their_country(seed_index: PassageIndex) -> None:
    assert seed_index.query("Belarusian Ukrainians") == seed_index.query("Belarus Ukraine")


def test_unknown_prefixed_word_falls_back_to_known_stem(seed_index: PassageIndex) -> None:
    assert seed_index.query("uncomfortable") == seed_index.query("comfortable")


def test_a_place_finds_its_people_and_back(seed_index: PassageIndex) -> None:
    # The essay says "European" but never "Europe"; "Koreans" would find an essay's "Korea".
    assert seed_index.query("Europe") == seed_index.query("European") == ["european"]
    assert resolve_unknown("korean", {"korea"}) == "korea"
    assert resolve_unknown("cuba", {"cuban"}) == "cuban"
    assert resolve_unknown("chilean", {"chile"}) == "chile"
    assert resolve_unknown("began", {"beg"}) == "began"  # "an" only after "e" or "i"
    assert resolve_unknown("give", {"given"}) == "give"  # "n" only after "a"


def test_no_shared_word_no_hits(seed_index: PassageIndex) -> None:
    assert seed_index.search("photosynthesis", 5) == []


def test_long_paragraph_is_split_at_sentences_with_one_paragraph_number() -> None:
    sentence = "Bees dance to show where the flowers are. "
    document = parse_document(sentence * 60, stem="bees", markdown=False, source="bees.txt")
    passages = split_passages([document], max_words=100)
    assert len(passages) > 1
    assert {p.paragraph for p in passages} == {1}
    assert [p.id for p in passages][:2] == ["bees/introduction/1.1", "bees/introduction/1.2"]
    assert " ".join(p.text for p in passages) == (sentence * 60).strip()


def test_repeated_sentence_lives_in_its_last_copy(seed_index: PassageIndex) -> None:
    standfirst = seed_index.passages[0]
    first = standfirst.text.index("All of")
    end = standfirst.text.index("semi-divorce.") + len("semi-divorce.")
    home, start, stop = seed_index.home(standfirst, first, end)
    assert home.id == "russia-belarus/the-source-of-grievances/1"
    assert home.text[start:stop] == standfirst.text[first:end]


def test_sentence_inside_a_longer_one_lives_in_the_longer(seed_index: PassageIndex) -> None:
    standfirst = seed_index.passages[0]
    start = standfirst.text.index("The accustomed format")
    end = standfirst.text.index("dead end.") + len("dead end.")
    home, home_start, home_end = seed_index.home(standfirst, start, end)
    assert home.id == "russia-belarus/choosing-between-bad-and-bad/4"
    assert home.text[home_start:home_end].startswith("With that in mind")


def test_several_documents(essays: Path) -> None:
    index = PassageIndex(load_documents(essays))
    (hit,) = index.search("swarm colony", 3)
    assert hit.passage.id == "bees/swarms/1"
    assert hit.passage.document == "Bees in the City"
