-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "signingBlockedAt" TIMESTAMP(3),
ADD COLUMN     "signingBlockedKeyId" TEXT;

