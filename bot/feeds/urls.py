"""The one check of a feed URL before it is followed (``newsdesk follow``, ``/corpus follow``).

`check_feed_url` refuses, before anything is stored, a URL that could never be fetched:
not http(s), credentials in it, longer than `MAX_URL_LENGTH`, a host name that is not
valid (IDNA), or a host that is literally a private, loopback, link-local or otherwise
non-public address, ``localhost`` included, in any spelling the resolver would accept
(``127.1``, ``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]``). Host names are resolved
and vetted again at every fetch (`bot.fetch.GuardedResolver`).
"""

from __future__ import annotations

import ipaddress
import re
import socket

from bot.fetch import BlockedAddressError, IPAddress, check_url, is_public_address, parse_ip

MAX_URL_LENGTH = 2000  # characters: Discord's cap on a URL option, and ours everywhere
#: the shapes ``inet_aton`` reads as IPv4: 1 to 4 parts, decimal, octal or hex
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$")


def host_address(host: str) -> IPAddress | None:
    """``host`` as the IP address a resolver would read it as, or None for a host name.

    Besides the standard forms this reads the legacy IPv4 ones ``inet_aton`` accepts
    (``127.1``, ``2130706433``, ``0x7f.0.0.1``).
    """
    address = parse_ip(host)
    if address is not None or not _LEGACY_IPV4.match(host):
        return address
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def check_feed_url(url: str, *, allow_loopback: bool = False) -> str:
    """``url`` made canonical, after the checks ``/corpus add`` makes before fetching.

    ``allow_loopback`` (``NEWSDESK_FETCH_ALLOW_LOOPBACK``, for tests) lets loopback
    addresses and ``localhost`` through; every other non-public address stays refused.

    Raises
    ------
    BlockedAddressError
        With a short message for the user (it never repeats the URL).
    """
    if len(url.strip()) > MAX_URL_LENGTH:
        raise BlockedAddressError(f"the URL is longer than {MAX_URL_LENGTH:,} characters")
    parsed = check_url(url)
    host = (parsed.raw_host or "").rstrip(".").casefold()
    address = host_address(host)
    local_name = host == "localhost" or host.endswith(".localhost")
    if address is not None:
        refused = not is_public_address(address) and not (allow_loopback and address.is_loopback)
    else:
        refused = local_name and not allow_loopback
    if refused:
        raise BlockedAddressError("that address is private or local, so it was refused")
    return str(parsed)
