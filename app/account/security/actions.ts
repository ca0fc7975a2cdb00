"use server";

import { headers } from "next/headers";
import { revalidatePath } from "next/cache";
import { revokeAccountSession } from "@/lib/auth/sessions";

/** Signs out one of the viewer's own sessions (by id); false when it is not one of theirs. */
export async function revokeSessionAction(sessionId: string): Promise<boolean> {
  const revoked = await revokeAccountSession({ headers: await headers(), sessionId });
  revalidatePath("/account/security");
  return revoked;
}
