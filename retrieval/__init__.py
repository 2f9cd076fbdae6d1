"""Retrieval core: sentence splitting, term analysis, BM25 ranking (pure, synchronous)."""

from retrieval.sentences import segment, split_sentences
from retrieval.tokenization import tokenize

__all__ = ["segment", "split_sentences", "tokenize"]
