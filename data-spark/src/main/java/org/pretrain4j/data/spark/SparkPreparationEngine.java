package org.pretrain4j.data.spark;

import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import org.pretrain4j.data.CorpusException;
import org.pretrain4j.data.prepared.DatasetManifest;
import org.pretrain4j.data.prepared.PreparationEngine;
import org.pretrain4j.data.prepared.PreparationRequest;
import org.pretrain4j.data.prepared.TokenizerTrainingRequest;
import org.pretrain4j.text.Tokenizer;

/**
 * The {@code spark} engine of {@code prepare} and {@code tokenizer train}: an embedded Spark session on
 * {@code master} (default {@code local[*]}), or the session already active in this JVM (a spark-submit
 * driver). Options: {@code master}, and {@code split-bytes} (uncompressed text files larger than
 * this, default 128 MiB, are read by several tasks).
 */
public final class SparkPreparationEngine implements PreparationEngine {
    @Override
    public String name() {
        return "spark";
    }

    @Override
    public DatasetManifest prepare(PreparationRequest request) {
        return withSession(request.options().getOrDefault("master", "local[*]"), spark -> SparkPreparation.prepare(spark, request));
    }

    @Override
    public Tokenizer trainTokenizer(TokenizerTrainingRequest request) {
        if (request.input() == null) {
            throw new CorpusException("--engine spark needs --corpus (the built-in sample is for one machine)");
        }
        long splitBytes = TextSplits.splitBytes(request.options());
        return withSession(request.options().getOrDefault("master", "local[*]"), spark -> request.type().equals("bpe")
                ? SparkWordCounts.trainBpe(spark, request.input(), request.format(), request.textField(), request.bpeOptions(), splitBytes)
                : SparkWordCounts.trainWordPiece(spark, request.input(), request.format(), request.textField(), request.wordPieceOptions(),
                        splitBytes));
    }

    private static <T> T withSession(String master, Function<SparkSession, T> job) {
        scala.Option<SparkSession> running = SparkSession.getActiveSession().orElse(SparkSession::getDefaultSession);
        boolean existing = running.isDefined();
        SparkSession spark;
        if (existing) {
            spark = running.get();
        } else {
            try {
                spark = SparkPreparation.localSession(master);
            } catch (Exception e) {
                // Spark's SparkException (a bad master URL) is checked in Java's eyes and thrown undeclared by Scala.
                throw new IllegalArgumentException("--master '" + master + "': cannot start Spark: " + e.getMessage(), e);
            }
        }
        try {
            return job.apply(spark);
        } finally {
            if (!existing) {
                spark.stop();
            }
        }
    }
}
