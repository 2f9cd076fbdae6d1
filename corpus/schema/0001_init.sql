-- newsdesk schema v1: articles, their sentences, a question log, and corpus metadata.
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    scope        TEXT    NOT NULL DEFAULT 'shared',  -- 'shared' or a Discord guild id
    title        TEXT,
    url          TEXT,
    source       TEXT,
    published    TEXT,                               -- ISO 8601 date, NULL when unknown
    authors      TEXT    NOT NULL DEFAULT '[]',      -- JSON array of strings
    body         TEXT    NOT NULL,
    content_hash TEXT    NOT NULL,
    partial      INTEGER NOT NULL DEFAULT 0,
    origin       TEXT,
    ingested_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX articles_scope_hash ON articles (scope, content_hash);
CREATE INDEX articles_scope_url ON articles (scope, url);

CREATE TABLE sentences (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    paragraph  INTEGER NOT NULL,
    start      INTEGER NOT NULL,
    "end"      INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

CREATE TABLE questions (
    id        INTEGER PRIMARY KEY,
    asked_at  TEXT    NOT NULL,
    scope     TEXT    NOT NULL,
    query     TEXT    NOT NULL,
    answered  INTEGER NOT NULL
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('corpus_version', '0');
