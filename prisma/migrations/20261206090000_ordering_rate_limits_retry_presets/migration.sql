-- CreateEnum
CREATE TYPE "EndpointOrdering" AS ENUM ('none', 'ordered');

-- CreateEnum
CREATE TYPE "RetryPreset" AS ENUM ('standard', 'short', 'none');

-- DropIndex
DROP INDEX "WebhookDelivery_endpointId_status_idx";

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "orderSeq" BIGINT,
ADD COLUMN     "orderingKey" TEXT;

-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "ordering" "EndpointOrdering" NOT NULL DEFAULT 'none',
ADD COLUMN     "rateLimitPerSecond" INTEGER,
ADD COLUMN     "retryPreset" "RetryPreset" NOT NULL DEFAULT 'standard';

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "orderingKey" TEXT;

-- CreateTable
CREATE TABLE "WebhookRateLimit" (
    "endpointId" TEXT NOT NULL,
    "nextStartAt" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "WebhookRateLimit_pkey" PRIMARY KEY ("endpointId")
);

-- CreateIndex
CREATE INDEX "WebhookDelivery_endpointId_status_orderingKey_orderSeq_idx" ON "WebhookDelivery"("endpointId", "status", "orderingKey", "orderSeq");

-- AddForeignKey
ALTER TABLE "WebhookRateLimit" ADD CONSTRAINT "WebhookRateLimit_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "WebhookEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Enqueue order within an ordering key: one number per ordered delivery, taken when it is
-- written (lib/webhooks/enqueue.ts). Not a column default: unordered deliveries take none.
CREATE SEQUENCE "WebhookDelivery_orderSeq_seq" AS BIGINT;
