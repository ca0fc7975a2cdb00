-- CreateIndex
CREATE INDEX "WebhookDelivery_leaseExpiresAt_idx" ON "WebhookDelivery"("leaseExpiresAt");

