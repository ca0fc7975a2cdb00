-- CreateEnum
CREATE TYPE "AlertSeverity" AS ENUM ('warning', 'critical');

-- CreateTable
CREATE TABLE "WebhookAlert" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "severity" "AlertSeverity" NOT NULL,
    "message" TEXT NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookAlert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkerHeartbeat" (
    "workerId" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "inFlight" INTEGER NOT NULL DEFAULT 0,
    "counters" JSONB NOT NULL,

    CONSTRAINT "WorkerHeartbeat_pkey" PRIMARY KEY ("workerId")
);

-- CreateTable
CREATE TABLE "ScheduledJob" (
    "name" TEXT NOT NULL,
    "lastRunAt" TIMESTAMP(3) NOT NULL,
    "lastResult" JSONB,

    CONSTRAINT "ScheduledJob_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "WebhookAlert_organizationId_resolvedAt_idx" ON "WebhookAlert"("organizationId", "resolvedAt");

-- CreateIndex
CREATE INDEX "WebhookAlert_kind_subject_resolvedAt_idx" ON "WebhookAlert"("kind", "subject", "resolvedAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_organizationId_status_createdAt_idx" ON "WebhookDelivery"("organizationId", "status", "createdAt");

-- AddForeignKey
ALTER TABLE "WebhookAlert" ADD CONSTRAINT "WebhookAlert_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- At most one open alert per condition, even when two health checks race.
-- (Prisma's schema language cannot express a partial index, so it lives here only.)
CREATE UNIQUE INDEX "WebhookAlert_open_condition_key" ON "WebhookAlert"("kind", "subject") WHERE "resolvedAt" IS NULL;
