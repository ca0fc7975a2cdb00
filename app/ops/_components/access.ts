import "server-only";
import { cookies } from "next/headers";
import { getEnv } from "@/lib/env";
import { isMetricsToken } from "@/lib/http/route";

/** The cookie that holds the ops token; httpOnly, sameSite=strict, path=/ops (set by /ops/session). */
export const OPS_COOKIE = "ops_token";

/** How long an ops sign-in lasts. Short on purpose: the cookie holds the METRICS_TOKEN itself. */
export const OPS_SESSION_SECONDS = 12 * 60 * 60;

/**
 * - `allowed`: the `ops_token` cookie equals METRICS_TOKEN;
 * - `expired`: there is a cookie but it no longer matches (the token was rotated);
 * - `denied`: no cookie;
 * - `unconfigured`: METRICS_TOKEN is not set, so nobody can sign in to ops.
 */
export type OpsAccess = "allowed" | "expired" | "denied" | "unconfigured";

/** Who may see /ops. There is no ops role yet, so only the METRICS_TOKEN (as a cookie) grants access. */
export async function getOpsAccess(): Promise<OpsAccess> {
  if (!getEnv().metricsToken) return "unconfigured";
  const token = (await cookies()).get(OPS_COOKIE)?.value;
  if (isMetricsToken(token)) return "allowed";
  return token ? "expired" : "denied";
}
