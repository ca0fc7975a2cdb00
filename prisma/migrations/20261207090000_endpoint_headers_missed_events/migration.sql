-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "cancelReason" TEXT;

-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "headerNames" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "headersEncrypted" TEXT,
ADD COLUMN     "lastDisabledAt" TIMESTAMP(3);

-- Endpoints disabled before this release: their disabled period began at "disabledAt".
UPDATE "WebhookEndpoint" SET "lastDisabledAt" = "disabledAt" WHERE "disabledAt" IS NOT NULL;

-- Deliveries cancelled because their endpoint was disabled, before the reason had a column of its own.
UPDATE "WebhookDelivery" SET "cancelReason" = 'endpoint_disabled'
 WHERE "status" = 'cancelled' AND "lastError" LIKE 'Endpoint disabled%';
