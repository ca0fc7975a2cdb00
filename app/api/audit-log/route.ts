import { z } from "zod";
import { apiRoute } from "@/lib/http/route";
import { AUDIT_PAGE_MAX, listAuditLog } from "@/lib/audit/query";
import { auditLogPageResponse } from "@/lib/http/response-schemas";

export const dynamic = "force-dynamic";

const query = z.object({
  actor: z.string().regex(/^(system|(user|key)_[0-9a-z]{26})$/, "must be a user id, an API key id or system").optional(),
  action: z.string().max(100).optional(),
  cursor: z.string().regex(/^aud_[0-9a-z]{26}$/, "must be an audit entry id").optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
});

/** The organization's audit log, newest first, for owners and admins. Read-only: entries cannot be changed or deleted. */
export const GET = apiRoute({
  access: "manager",
  query,
  summary: "Read the audit log",
  description: "Newest first, 50 a page unless `limit` says otherwise; `nextCursor` pages back. Entries cannot be changed or deleted.",
  responses: { 200: auditLogPageResponse },
}, async ({ actor, query }) => listAuditLog({ organizationId: actor.organizationId, ...query }));
