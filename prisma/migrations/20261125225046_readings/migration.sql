-- CreateTable
CREATE TABLE "readings" (
    "id" BIGSERIAL NOT NULL,
    "sensor_id" INTEGER NOT NULL,
    "taken_at" TIMESTAMP(6) NOT NULL,
    "day_time" TIME(6) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "ratio" REAL,
    "level" INTEGER,

    CONSTRAINT "readings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "readings_sensor_id_taken_at_id_idx" ON "readings"("sensor_id", "taken_at", "id");
