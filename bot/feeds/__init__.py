"""Following RSS / Atom feeds.

The poller (`bot.feeds.poller`, its outcomes in `bot.feeds.results`), what an entry becomes
(`bot.feeds.entries`) and when a feed is polled (`bot.feeds.schedule`). Inside ``newsdesk
run`` the poller is one of the leader's jobs (`bot.runner.background_jobs`).
"""
