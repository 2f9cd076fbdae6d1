"""Domain values shared by the retrieval package and its callers, and its one domain error."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document, as split by `retrieval.sentences.segment`.

    ``start``/``end`` are character offsets into the document body (end exclusive);
    ``paragraph`` is the 0-based paragraph index; ``position`` the 0-based sentence index
    within the whole document.
    """

    position: int
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """An article as retrieval sees it: metadata plus its sentences in order."""

    doc_id: int
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    sentences: tuple[Sentence, ...]
    partial: bool = False
    scope: str = "shared"


@dataclass(frozen=True, slots=True)
class BM25Params:
    """BM25 parameters.

    ``k1`` and ``b`` as in Robertson & Zaragoza (2009), "The Probabilistic Relevance
    Framework: BM25 and Beyond", eq. 3.15; defaults 1.5 / 0.75 are rank-bm25's defaults.
    ``window`` is the number of neighbour sentences shown on each side of the best sentence.
    """

    k1: float = 1.5
    b: float = 0.75
    window: int = 1


class EmptyCorpusError(ValueError):
    """Raised when an index is asked to search a corpus with no indexable terms."""


@dataclass(frozen=True, slots=True)
class SentenceHit:
    """One scored sentence: index of its document in the index order, its position, score.

    ``sentence`` is its number in the index (-1 when unknown); ``match`` is the share of
    the query's sentence-level IDF it matches, ``S(s) / Q`` (see `retrieval.scoring`; 0.0
    when not computed).
    """

    doc_index: int
    position: int
    score: float
    sentence: int = -1
    match: float = 0.0


@dataclass(frozen=True, slots=True)
class ScoredPassage:
    """A hit: the best sentence of a document with its neighbours, and its BM25 score.

    ``sentences`` holds the passage (best sentence plus neighbours in the same paragraph),
    ``sentence_index`` the 0-based index of the best sentence in the document,
    ``matched_terms`` the surface forms in the passage that matched query terms.
    """

    document: Document
    sentence_index: int
    sentences: tuple[Sentence, ...]
    score: float
    rank: int
    matched_terms: tuple[str, ...] = field(default=())

    @property
    def sentence(self) -> Sentence:
        """The best-matching sentence itself."""
        return self.document.sentences[self.sentence_index]

    @property
    def passage_id(self) -> str:
        """``"<doc_id>#<position>"`` of the best sentence."""
        return f"{self.document.doc_id}#{self.sentence_index}"


@dataclass(frozen=True, slots=True)
class Answer:
    """What the answer path returns for one query.

    ``hits`` is empty when newsdesk abstains; ``reason`` then says why:
    ``"no_terms"`` (the query has no content terms), ``"empty_corpus"`` (nothing indexed),
    ``"no_match"`` (no sentence matches well enough) or ``"not_english"`` (the question is
    in another language and no passage in that language answers it).  ``reason`` is
    ``"headlines"`` when the hits are the newest articles (a request for news with no
    topic).  ``added_terms`` are the terms of ``query_terms`` that paraphrase expansion
    (`retrieval.synonyms`) added: they help ranking, not the abstention judgement.
    """

    query: str
    query_terms: tuple[str, ...]
    hits: tuple[ScoredPassage, ...]
    reason: str | None = None
    added_terms: tuple[str, ...] = ()

    @property
    def best(self) -> ScoredPassage | None:
        """The top hit, or None when abstaining."""
        return self.hits[0] if self.hits else None
