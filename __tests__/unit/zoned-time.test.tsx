import type { ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { RelativeTime } from "@/app/_components/relative-time";
import { DateTime, zonedDateTime } from "@/app/_components/time";

const AT = new Date("2026-12-02T13:05:03.000Z");

describe("zonedDateTime", () => {
  test.each<[string, string]>([
    ["UTC", "2 Dec 2026, 13:05:03 UTC"],
    ["Europe/Paris", "2 Dec 2026, 14:05:03 CET (UTC+01:00)"],
    ["Europe/London", "2 Dec 2026, 13:05:03 GMT (UTC+00:00)"],
    ["America/New_York", "2 Dec 2026, 08:05:03 EST (UTC-05:00)"],
    ["Asia/Kolkata", "2 Dec 2026, 18:35:03 (UTC+05:30)"],
    ["Asia/Tokyo", "2 Dec 2026, 22:05:03 (UTC+09:00)"],
  ])("in %s: %s", (timeZone, expected) => {
    expect(zonedDateTime(AT, timeZone, "en-US")).toBe(expected);
  });

  it("follows summer time", () => {
    expect(zonedDateTime(new Date("2026-07-01T12:00:00.000Z"), "Europe/Paris", "en-US")).toBe("1 Jul 2026, 14:00:00 CEST (UTC+02:00)");
  });
});

describe("times rendered on the server are in UTC, whatever the server's zone", () => {
  const html = (element: ReactElement) => renderToString(element);

  it("RelativeTime: relative text, the absolute UTC time as its title", () => {
    const markup = html(<RelativeTime value={AT} />);
    expect(markup).toContain('title="2 Dec 2026, 13:05:03 UTC"');
    expect(markup).toContain('dateTime="2026-12-02T13:05:03.000Z"');
  });

  it("DateTime full: the absolute UTC time to the second", () => {
    expect(html(<DateTime value={AT} format="full" />)).toContain(">2 Dec 2026, 13:05:03 UTC<");
  });

  it("both show the fallback for a missing time", () => {
    expect(html(<RelativeTime value={null} fallback="Not yet" />)).toContain("Not yet");
    expect(html(<DateTime value={undefined} format="full" fallback="None" />)).toContain("None");
  });
});
