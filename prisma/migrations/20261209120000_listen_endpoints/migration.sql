-- CreateEnum
CREATE TYPE "EndpointKind" AS ENUM ('http', 'cli');

-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "kind" "EndpointKind" NOT NULL DEFAULT 'http',
ADD COLUMN     "listenSeenAt" TIMESTAMP(3);

-- CreateTable: a listen CLI's answer to one forwarded attempt, handed to the web process that
-- holds the stream when another process received it (lib/webhooks/listen.ts).
CREATE TABLE "ListenResult" (
    "id" TEXT NOT NULL,
    "endpointId" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ListenResult_pkey" PRIMARY KEY ("id")
);
