-- AlterTable: what each API key may do; keys made before scopes keep sending events only.
ALTER TABLE "ApiKey" ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY['events:write']::TEXT[];
