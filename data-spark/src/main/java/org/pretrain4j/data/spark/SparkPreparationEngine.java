package org.pretrain4j.data.spark;

import org.apache.spark.sql.SparkSession;
import org.pretrain4j.data.prepared.DatasetManifest;
import org.pretrain4j.data.prepared.PreparationEngine;
import org.pretrain4j.data.prepared.PreparationRequest;

/**
 * The {@code spark} engine of {@code prepare}: an embedded Spark session on {@code master} (default
 * {@code local[*]}), or the session already active in this JVM (a spark-submit driver).
 */
public final class SparkPreparationEngine implements PreparationEngine {
    @Override
    public String name() {
        return "spark";
    }

    @Override
    public DatasetManifest prepare(PreparationRequest request) {
        String master = request.options().getOrDefault("master", "local[*]");
        scala.Option<SparkSession> running = SparkSession.getActiveSession().orElse(SparkSession::getDefaultSession);
        boolean existing = running.isDefined();
        SparkSession spark = existing ? running.get() : SparkPreparation.localSession(master);
        try {
            return SparkPreparation.prepare(spark, request);
        } finally {
            if (!existing) {
                spark.stop();
            }
        }
    }
}
