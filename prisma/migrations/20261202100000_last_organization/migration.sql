-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lastOrganizationId" TEXT;

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_lastOrganizationId_fkey" FOREIGN KEY ("lastOrganizationId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;

