"""Following RSS / Atom feeds.

The poller (`bot.feeds.poller`, its outcomes in `bot.feeds.results`), what an entry becomes
(`bot.feeds.entries`), when a feed is polled (`bot.feeds.schedule`), and the background task
of ``newsdesk run`` (`bot.feeds.background`).
"""
