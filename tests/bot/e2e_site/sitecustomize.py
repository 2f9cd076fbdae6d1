"""Loaded only by bot processes the end-to-end tests start (this folder is on their PYTHONPATH).

It makes two kinds of question misbehave so the slow path and the error path can be tested
against the real ``newsdesk run``: a question containing ``slowpath`` takes 4 s (longer than
Discord's 3 s window), one containing ``explode`` raises after the interaction was deferred.
Nothing outside the tests puts this folder on the path.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

if os.environ.get("NEWSDESK_E2E_PATCHES") == "1":
    from bot import service as _service

    _original = _service.AnswerService.answer

    async def _answer(self: Any, query: str, **options: Any) -> Any:
        if "slowpath" in query:
            await asyncio.sleep(4.0)
            # the marker is no part of the question (an unknown word counts against answering)
            query = query.replace("slowpath:", "").strip()
        if "explode" in query:
            raise RuntimeError("internal detail that must not reach the user")
        return await _original(self, query, **options)

    _service.AnswerService.answer = _answer  # type: ignore[method-assign]
