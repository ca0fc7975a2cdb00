import ipaddr from "ipaddr.js";

const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");

/**
 * True only for globally routable unicast addresses. Everything else — private,
 * loopback, link-local (cloud metadata lives there), CGNAT, multicast, broadcast,
 * unspecified, reserved, documentation, benchmarking, unique-local and the
 * IPv6 transition prefixes that can embed an internal IPv4 (6to4, Teredo, NAT64)
 * — is refused. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 inside.
 * Unparseable input is not public.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  // Zone ids (fe80::1%eth0) only occur on link-local addresses.
  if (bare.includes("%")) return false;
  if (!ipaddr.isValid(bare)) return false;
  let parsed = ipaddr.parse(bare);
  if (parsed.kind() === "ipv6") {
    const ipv6 = parsed as ipaddr.IPv6;
    if (ipv6.isIPv4MappedAddress()) {
      parsed = ipv6.toIPv4Address();
    } else if (ipv6.match(IPV4_COMPATIBLE)) {
      // ::/96 (deprecated IPv4-compatible, e.g. [::127.0.0.1] → ::7f00:1): ipaddr.js
      // calls it unicast, but some stacks route it to the embedded IPv4.
      return false;
    }
  }
  return parsed.range() === "unicast";
}

/** True when `host` is an IP literal (IPv4 dotted quad or IPv6, with or without brackets). */
export function isIpLiteral(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return ipaddr.IPv4.isValidFourPartDecimal(bare) || ipaddr.IPv6.isValid(bare);
}
