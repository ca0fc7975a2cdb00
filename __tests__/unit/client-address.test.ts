import type { IncomingMessage } from "node:http";
import { CLIENT_IP_HEADER, clientAddress, stampClientAddress } from "@/lib/http/client-address";
import { parseCidrList } from "@/lib/ip-address";

const proxies = parseCidrList("10.0.0.0/8,127.0.0.1");

describe("clientAddress", () => {
  test.each([
    ["no trusted proxy: X-Forwarded-For is ignored", "203.0.113.9", "198.51.100.1", "", "203.0.113.9"],
    ["untrusted peer: X-Forwarded-For is ignored", "203.0.113.9", "198.51.100.1", "10.0.0.0/8", "203.0.113.9"],
    ["trusted peer, one hop", "10.0.0.5", "198.51.100.1", "10.0.0.0/8", "198.51.100.1"],
    ["trusted peer: the right-most untrusted hop, not the spoofable left", "10.0.0.5", "1.1.1.1, 198.51.100.1, 10.0.0.7", "10.0.0.0/8", "198.51.100.1"],
    ["trusted peer without the header", "10.0.0.5", undefined, "10.0.0.0/8", "10.0.0.5"],
    ["trusted peer, garbage hop: the last trusted hop", "10.0.0.5", "evil, 10.0.0.7", "10.0.0.0/8", "10.0.0.7"],
    ["every hop trusted: the left-most", "10.0.0.5", "10.0.0.8, 10.0.0.7", "10.0.0.0/8", "10.0.0.8"],
    ["IPv4-mapped peer judged as IPv4", "::ffff:127.0.0.1", "198.51.100.1", "127.0.0.1", "198.51.100.1"],
  ])("%s", (_name, peer, forwardedFor, trusted, expected) => {
    expect(clientAddress({ peer, forwardedFor, trustedProxies: parseCidrList(trusted) })).toBe(expected);
  });

  it("joins repeated X-Forwarded-For headers in order", () => {
    expect(clientAddress({ peer: "127.0.0.1", forwardedFor: ["198.51.100.1", "203.0.113.9"], trustedProxies: proxies })).toBe("203.0.113.9");
  });
});

describe("stampClientAddress", () => {
  function request(peer: string | undefined, headers: Record<string, string>): IncomingMessage {
    return { socket: { remoteAddress: peer }, headers: { ...headers } } as unknown as IncomingMessage;
  }

  it("replaces whatever the client sent in the header", () => {
    const req = request("203.0.113.9", { [CLIENT_IP_HEADER]: "10.9.9.9", "x-forwarded-for": "198.51.100.1" });
    stampClientAddress(req, []);
    expect(req.headers[CLIENT_IP_HEADER]).toBe("203.0.113.9");
  });

  it("removes a client-sent header when the peer is unknown", () => {
    const req = request(undefined, { [CLIENT_IP_HEADER]: "10.9.9.9" });
    stampClientAddress(req, proxies);
    expect(req.headers[CLIENT_IP_HEADER]).toBeUndefined();
  });

  it("reads X-Forwarded-For behind a trusted proxy", () => {
    const req = request("127.0.0.1", { "x-forwarded-for": "198.51.100.1" });
    stampClientAddress(req, proxies);
    expect(req.headers[CLIENT_IP_HEADER]).toBe("198.51.100.1");
  });
});
