-- CreateEnum: how an endpoint signs (lib/webhooks/signing-keys.ts).
CREATE TYPE "SignatureScheme" AS ENUM ('hmac', 'ed25519');

-- AlterTable: what the current and the previous sealed credential hold (every existing one is a
-- whsec_ secret), and an ed25519 endpoint's public key in clear.
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "previousSignatureScheme" "SignatureScheme" NOT NULL DEFAULT 'hmac',
ADD COLUMN     "publicKey" TEXT,
ADD COLUMN     "signatureScheme" "SignatureScheme" NOT NULL DEFAULT 'hmac';
