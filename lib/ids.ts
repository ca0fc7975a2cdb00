import { typeid } from "typeid-js";

/** Readable, time-sortable ids (`org_01h4…`), so logs and URLs say what they point at. */
export type IdPrefix = "org" | "ep" | "evt" | "msg" | "att" | "key" | "alert" | "user" | "sess" | "acct" | "mem" | "inv" | "ver" | "inbox" | "req" | "tfa" | "aud" | "lsn";

export function newId(prefix: IdPrefix): string {
  return typeid(prefix).toString();
}
