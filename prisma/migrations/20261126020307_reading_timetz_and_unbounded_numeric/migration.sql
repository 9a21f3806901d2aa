-- AlterTable
ALTER TABLE "readings" ADD COLUMN     "score" DECIMAL,
ADD COLUMN     "shift_start" TIMETZ(6);
