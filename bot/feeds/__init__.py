"""Following RSS / Atom feeds.

The poller (`bot.feeds.poller`), what an entry becomes (`bot.feeds.entries`), when a feed
is polled (`bot.feeds.schedule`), and the background task of ``newsdesk run``
(`bot.feeds.background`).
"""
