import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { AccountHeader } from "@/app/_components/account-header";
import { Alert } from "@/app/_components/alert";
import { Badge } from "@/app/_components/badge";
import { buttonClassName } from "@/app/_components/button";
import { DataCell, DataTable } from "@/app/_components/data-table";
import { orgPath } from "@/app/_components/org-paths";
import { PageHeader } from "@/app/_components/page-header";
import { DateTime } from "@/app/_components/time";
import { Section } from "@/app/_components/card";
import { findMembership } from "@/lib/auth/membership";
import { requireViewer } from "@/lib/auth/page";
import { listAccountSessions } from "@/lib/auth/sessions";
import { hasTwoFactor } from "@/lib/auth/two-factor-policy";
import { RevokeSessionButton, SignOutOthersButton } from "./session-actions";
import { TwoFactorPanel } from "./two-factor-panel";

export const metadata: Metadata = { title: "Account security" };

/**
 * The signed-in user's own security, across organizations: two-factor
 * authentication and the sessions signed in to the account. Owners of an
 * organization that requires two-factor are sent here (`?required=<slug>`).
 */
export default async function AccountSecurityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await requireViewer();
  const required = (await searchParams).required;
  const [enabled, sessions, requiredBy] = await Promise.all([
    hasTwoFactor(viewer.userId),
    listAccountSessions(await headers()),
    typeof required === "string" && required !== "" ? findMembership(viewer.userId, { slug: required }) : Promise.resolve(null),
  ]);
  const others = sessions.filter((session) => !session.current).length;

  return (
    <>
      <AccountHeader viewer={viewer} />
      <main id="main" className="mx-auto max-w-6xl space-y-10 px-4 py-8 sm:px-6">
        <PageHeader title="Account security" description={<>Two-factor authentication and the browsers signed in as {viewer.email}.</>} />

        {requiredBy ? (
          enabled ? (
            <Alert
              tone="success"
              title="Two-factor authentication is on"
              actions={
                <Link href={orgPath(requiredBy.slug)} className={buttonClassName({ size: "sm" })}>
                  Continue to {requiredBy.name}
                </Link>
              }
            >
              You can open {requiredBy.name} again.
            </Alert>
          ) : (
            <Alert tone="warning" title={`${requiredBy.name} requires two-factor authentication for owners`}>
              You are an owner of {requiredBy.name}. Turn on two-factor authentication below to open its pages and manage it.
            </Alert>
          )
        ) : null}

        <Section id="two-factor-heading" title="Two-factor authentication">
          <TwoFactorPanel key={String(enabled)} enabled={enabled} />
        </Section>

        <section aria-labelledby="sessions-heading" className="space-y-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <div>
              <h2 id="sessions-heading" className="text-base font-semibold text-slate-900">
                Sessions <span className="font-normal text-slate-500">({sessions.length})</span>
              </h2>
              <p className="mt-1 text-sm text-slate-600">Browsers and devices signed in to your account. Sign out any you do not recognise. Last active is updated at most once a day.</p>
            </div>
            <SignOutOthersButton disabled={others === 0} />
          </div>
          <DataTable
            stacked
            columns={[{ label: "Device" }, { label: "IP address" }, { label: "Signed in" }, { label: "Last active" }, { label: "Expires" }, { label: "Actions", hidden: true, align: "right" }]}>
            {sessions.map((session) => (
              <tr key={session.id} data-testid="session-row">
                <DataCell label="Device">
                  <span className="font-medium text-slate-900">{session.device}</span>{" "}
                  {session.current ? (
                    <Badge tone="indigo" className="ml-1">
                      This browser
                    </Badge>
                  ) : null}
                </DataCell>
                <DataCell label="IP address" className="font-mono text-slate-700">
                  {session.ipAddress ?? "—"}
                </DataCell>
                <DataCell label="Signed in">
                  <DateTime value={session.createdAt} />
                </DataCell>
                <DataCell label="Last active">
                  <DateTime value={session.updatedAt} />
                </DataCell>
                <DataCell label="Expires">
                  <DateTime value={session.expiresAt} />
                </DataCell>
                <DataCell className="text-right">{session.current ? null : <RevokeSessionButton sessionId={session.id} device={session.device} />}</DataCell>
              </tr>
            ))}
          </DataTable>
        </section>
      </main>
    </>
  );
}
