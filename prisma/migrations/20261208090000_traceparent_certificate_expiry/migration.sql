-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "sendTraceparent" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "tlsCertificateCheckedAt" TIMESTAMP(3),
ADD COLUMN     "tlsCertificateExpiresAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "traceparent" TEXT;

