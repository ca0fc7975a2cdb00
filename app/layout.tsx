import type { Metadata } from "next";
import { headers } from "next/headers";
import type { ReactNode } from "react";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Webhooks", template: "%s · Webhooks" },
  description: "Reliable, signed, SSRF-safe webhooks for your organization.",
  icons: { icon: "/favicon.svg" },
};

/**
 * Every page is rendered per request: the Content-Security-Policy's nonce (proxy.ts) is new
 * each time, and a prerendered page's inline scripts would carry none and be refused.
 */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await headers();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">{children}</body>
    </html>
  );
}
