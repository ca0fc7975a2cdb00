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

/** A parsed CIDR range, e.g. from `WEBHOOK_ALLOWED_PRIVATE_CIDRS`. */
export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Addresses no webhook may reach in any mode, whatever is allowed: link-local
 * (169.254.0.0/16 and fe80::/10, where AWS, GCP, Azure and OpenStack serve
 * instance metadata and credentials), AWS's IPv6 metadata address, Alibaba
 * Cloud's metadata address and Azure's WireServer. A private-network switch or
 * allowlist opens receivers on a network, never the host's own credentials.
 */
const ALWAYS_BLOCKED: readonly Cidr[] = [
  "169.254.0.0/16",
  "fe80::/10",
  "fd00:ec2::254/128",
  "100.100.100.200/32",
  "168.63.129.16/32",
].map((cidr) => ipaddr.parseCIDR(cidr));

/** Parses an address, judging IPv4-mapped IPv6 (`::ffff:169.254.169.254`) as the IPv4 inside; undefined when unparseable. */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const zoneless = bare.split("%")[0]!;
  if (!ipaddr.isValid(zoneless)) return undefined;
  const parsed = ipaddr.parse(zoneless);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) return (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed;
}

function inRanges(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly Cidr[]): boolean {
  return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}

/** True for link-local and cloud-metadata addresses ({@link ALWAYS_BLOCKED}); an IPv6 zone id counts as link-local. */
export function isLinkLocalOrMetadata(address: string): boolean {
  if (address.includes("%")) return true;
  const parsed = parseAddress(address);
  return parsed !== undefined && inRanges(parsed, ALWAYS_BLOCKED);
}

/** True when `address` lies in one of `ranges` (IPv4-mapped IPv6 judged as IPv4). */
export function isInCidrs(address: string, ranges: readonly Cidr[]): boolean {
  if (ranges.length === 0) return false;
  const parsed = parseAddress(address);
  return parsed !== undefined && inRanges(parsed, ranges);
}

/**
 * Parses a comma-separated CIDR list (`10.1.0.0/16, fd12::/64`); a bare address
 * means that one address. Throws an Error naming the first bad entry.
 */
export function parseCidrList(value: string | undefined): Cidr[] {
  if (!value || value.trim() === "") return [];
  return value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      try {
        if (entry.includes("/")) return ipaddr.parseCIDR(entry);
        const address = ipaddr.parse(entry);
        return [address, address.kind() === "ipv4" ? 32 : 128] as Cidr;
      } catch {
        throw new Error(`"${entry}" is not a CIDR range such as 10.1.0.0/16`);
      }
    });
}
