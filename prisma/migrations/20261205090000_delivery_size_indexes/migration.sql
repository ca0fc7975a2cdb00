-- DropIndex
DROP INDEX "WebhookDelivery_organizationId_createdAt_idx";

-- CreateIndex
CREATE INDEX "WebhookDelivery_organizationId_period_idx" ON "WebhookDelivery"("organizationId", "createdAt", "status", "attempts", "endpointId", "deliveredAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_organizationId_event_status_createdAt_idx" ON "WebhookDelivery"("organizationId", "event", "status", "createdAt");

