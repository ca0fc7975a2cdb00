-- Manual and test attempts are counted apart from the retry schedule, so a redelivery by hand
-- never uses up or moves an automatic retry.
ALTER TABLE "WebhookDelivery" ADD COLUMN     "manualAttempts" INTEGER NOT NULL DEFAULT 0;

-- Existing rows: the manual and test attempts in each delivery's log move to the new counter and
-- out of the schedule's count (a delivery recovered after a manual attempt may get one extra retry).
UPDATE "WebhookDelivery" d
   SET "manualAttempts" = m."count",
       "attempts" = GREATEST(0, d."attempts" - m."count")
  FROM (SELECT "deliveryId", count(*)::int AS "count" FROM "WebhookAttempt"
         WHERE "trigger" IN ('manual', 'test') GROUP BY "deliveryId") m
 WHERE m."deliveryId" = d."id";
