-- CreateTable
CREATE TABLE "DevInbox" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "label" TEXT NOT NULL DEFAULT '',
    "failWithStatus" INTEGER,
    "lastSeq" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DevInbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DevInboxRequest" (
    "id" TEXT NOT NULL,
    "inboxId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "method" TEXT NOT NULL,
    "headers" JSONB NOT NULL,
    "body" TEXT NOT NULL,
    "bodyEncoding" TEXT NOT NULL DEFAULT 'utf8',
    "legacySignatureValid" BOOLEAN,
    "standardSignatureValid" BOOLEAN,
    "matchedEndpointId" TEXT,

    CONSTRAINT "DevInboxRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DevInbox_token_key" ON "DevInbox"("token");

-- CreateIndex
CREATE INDEX "DevInbox_organizationId_idx" ON "DevInbox"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "DevInboxRequest_inboxId_seq_key" ON "DevInboxRequest"("inboxId", "seq");

-- AddForeignKey
ALTER TABLE "DevInbox" ADD CONSTRAINT "DevInbox_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DevInboxRequest" ADD CONSTRAINT "DevInboxRequest_inboxId_fkey" FOREIGN KEY ("inboxId") REFERENCES "DevInbox"("id") ON DELETE CASCADE ON UPDATE CASCADE;

