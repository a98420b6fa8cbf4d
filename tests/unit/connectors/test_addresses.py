"""The address check on its own: which addresses count as internal."""

from __future__ import annotations

import ipaddress

import pytest

from connectors._addresses import blocked_kind, check_addresses, parse_networks
from streams.errors import BlockedAddressError


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "not globally routable"),  # carrier-grade NAT
        ("fc00::1", "private"),
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped
        ("2002:a00:1::", "private"),  # 6to4 around 10.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 around 169.254.169.254
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
    ],
)
def test_blocked_kind(address: str, kind: str | None) -> None:
    assert blocked_kind(ipaddress.ip_address(address)) == kind


def test_one_internal_address_blocks_the_host() -> None:
    with pytest.raises(BlockedAddressError, match=r"10\.1\.2\.3 \(private\)"):
        check_addresses("example.test", ["93.184.216.34", "10.1.2.3"])


def test_allowed_networks_admit_only_themselves() -> None:
    allowed = parse_networks(["127.0.0.1/32"])
    check_addresses("local.test", ["127.0.0.1"], allowed_networks=allowed)
    with pytest.raises(BlockedAddressError):
        check_addresses("local.test", ["127.0.0.2"], allowed_networks=allowed)
