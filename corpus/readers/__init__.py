"""One reader per input format; `corpus.ingest` chooses between them."""
