"use client";

import QRCode from "qrcode";
import { useEffect, useState } from "react";

/**
 * `value` as a QR code, drawn in the browser as SVG (the setup link carries the two-factor
 * secret, so it never leaves the page to be rendered elsewhere). The SVG is generated from
 * the value by the qrcode library and holds only paths, no text or script.
 */
export function QrCode({ value, label }: { value: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    QRCode.toString(value, { type: "svg", margin: 1, errorCorrectionLevel: "M", color: { dark: "#0f172a", light: "#ffffff" } }).then(
      (markup) => current && setSvg(markup),
      () => current && setSvg(null),
    );
    return () => {
      current = false;
    };
  }, [value]);
  if (!svg) return null;
  return <div role="img" aria-label={label} data-testid="totp-qr" className="size-44 rounded-md border border-slate-200 bg-white p-1" dangerouslySetInnerHTML={{ __html: svg }} />;
}
