-- newsdesk schema v2: followed feeds, the entries seen in them, where each article came
-- from, and per-scope settings (announcement channel, ...).
CREATE TABLE feeds (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    scope          TEXT    NOT NULL DEFAULT 'shared',  -- 'shared' or a Discord guild id
    url            TEXT    NOT NULL,
    title          TEXT,                               -- the feed's own title, once polled
    every_minutes  INTEGER NOT NULL,
    added_at       TEXT    NOT NULL,                   -- ISO 8601 UTC timestamps below
    etag           TEXT,
    last_modified  TEXT,
    last_poll_at   TEXT,
    last_new_at    TEXT,
    next_poll_at   TEXT,
    entries_stored INTEGER NOT NULL DEFAULT 0,
    failures       INTEGER NOT NULL DEFAULT 0,         -- consecutive failed polls
    last_error     TEXT,
    last_error_at  TEXT
);
CREATE UNIQUE INDEX feeds_scope_url ON feeds (scope, url);

CREATE TABLE feed_entries (
    feed_id    INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    entry_key  TEXT    NOT NULL,                       -- the entry's id, else its link
    article_id INTEGER,                                -- NULL when nothing was stored
    seen_at    TEXT    NOT NULL,
    PRIMARY KEY (feed_id, entry_key)
) WITHOUT ROWID;

-- NULL: added by hand (a file, a page, /corpus add); else the feed it came from. Not a
-- foreign key, so unfollowing a feed keeps its articles.
ALTER TABLE articles ADD COLUMN feed_id INTEGER;
CREATE INDEX articles_feed ON articles (feed_id) WHERE feed_id IS NOT NULL;

CREATE TABLE scope_settings (
    scope TEXT NOT NULL,
    key   TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (scope, key)
) WITHOUT ROWID;
