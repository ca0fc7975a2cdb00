-- DropIndex
DROP INDEX "WebhookDelivery_status_nextAttemptAt_idx";

-- CreateTable
CREATE TABLE "RateLimitBudget" (
    "key" TEXT NOT NULL,
    "windowEndsAt" TIMESTAMP(3) NOT NULL,
    "granted" INTEGER NOT NULL,
    "lastGrant" INTEGER NOT NULL,

    CONSTRAINT "RateLimitBudget_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "RateLimitBudget_windowEndsAt_idx" ON "RateLimitBudget"("windowEndsAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_organizationId_nextAttemptAt_idx" ON "WebhookDelivery"("status", "organizationId", "nextAttemptAt");

