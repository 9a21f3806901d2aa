-- CreateTable
CREATE TABLE "accounts" (
    "id" INTEGER NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "segment" VARCHAR(32) NOT NULL,
    "opened_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);
