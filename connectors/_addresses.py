"""Which network addresses connectors may reach, and name resolution done by us, not by httpx.

A feed URL, a redirect or an article link chosen by a third party must not make backchannel
fetch from the operator's own network (cloud metadata at 169.254.169.254, an admin page on
10.x, a database on localhost): every address a host resolves to is checked, and one blocked
address blocks the host, since the connection could go to any of them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence

from streams.errors import BlockedAddressError

__all__ = [
    "IPAddress",
    "IPNetwork",
    "Resolver",
    "blocked_kind",
    "check_addresses",
    "parse_networks",
    "resolve_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""``(host, port) -> addresses``; the default is ``resolve_host`` (``loop.getaddrinfo``)."""

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


async def resolve_host(host: str, port: int) -> list[str]:
    """The distinct addresses ``host`` resolves to, in resolver order (raises ``OSError``)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in addresses:
            addresses.append(address)
    return addresses


def blocked_kind(address: IPAddress) -> str | None:
    """Why ``address`` is not a public internet address (``"loopback"``...), or ``None``.

    IPv6 forms that embed an IPv4 address (mapped ``::ffff:a.b.c.d``, 6to4, Teredo, NAT64) are
    judged by the embedded address, so ``::ffff:10.0.0.1`` cannot slip past as "IPv6, global".
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return blocked_kind(embedded)
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not globally routable", not address.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def parse_networks(values: Sequence[str | IPNetwork]) -> tuple[IPNetwork, ...]:
    """Networks from strings such as ``"127.0.0.1/32"`` or ``"10.20.0.0/16"``."""
    return tuple(
        value if not isinstance(value, str) else ipaddress.ip_network(value, strict=False)
        for value in values
    )


def check_addresses(
    host: str, addresses: Sequence[str], *, allowed_networks: Sequence[IPNetwork] = ()
) -> None:
    """Raise ``BlockedAddressError`` if any of ``addresses`` is not public and not allowed."""
    for text in addresses:
        address = ipaddress.ip_address(text)
        kind = blocked_kind(address)
        if kind is None or any(address in network for network in allowed_networks):
            continue
        raise BlockedAddressError(
            f"{host} resolves to {address} ({kind}); connectors only fetch public addresses."
            " If this intranet source is intended, set BACKCHANNEL_ALLOW_PRIVATE_ADDRESSES=true"
        )
