package org.pretrain4j.backend.onnx.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One benchmark's figures. Throughput is tokens per second over timed windows (median, min, max);
 * model FLOPs per token follow the definition (6 x non-embedding parameters + 12 x layers x
 * hidden x sequence + 6 x hidden x vocabulary x fraction of positions projected, one third of that
 * forward-only); MFU is the model's FLOP rate over ONNX Runtime's fp32 GEMM rate measured in the
 * same run with the same threads.
 */
public record BenchResult(String preset, String objective, String mode, int batch, int sequenceLength, int vocabulary, int threads,
                          double tokensPerSecond, double tokensPerSecondMin, double tokensPerSecondMax, double msPerStep,
                          long nonEmbeddingParameters, double projectedFraction, double modelFlopsPerToken,
                          double modelGflopsPerSecond, double gemmGflopsPerSecond, double mfu, double peakRssMb,
                          int windows, int stepsPerWindow, String onnxruntimeVersion, double dropout) {

    /** The fields in the JSON object the bench command prints, in order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", preset);
        m.put("objective", objective);
        m.put("mode", mode);
        m.put("batch", batch);
        m.put("seq", sequenceLength);
        m.put("vocab", vocabulary);
        m.put("threads", threads);
        m.put("dropout", dropout);
        m.put("tokens_per_second", round(tokensPerSecond, 1));
        m.put("tokens_per_second_min", round(tokensPerSecondMin, 1));
        m.put("tokens_per_second_max", round(tokensPerSecondMax, 1));
        m.put("ms_per_step", round(msPerStep, 2));
        m.put("model_gflops_per_second", round(modelGflopsPerSecond, 2));
        m.put("gemm_gflops_per_second", round(gemmGflopsPerSecond, 2));
        m.put("mfu", round(mfu, 4));
        m.put("peak_rss_mb", round(peakRssMb, 1));
        m.put("model_flops_per_token", Math.round(modelFlopsPerToken));
        m.put("non_embedding_parameters", nonEmbeddingParameters);
        m.put("projected_fraction", round(projectedFraction, 4));
        m.put("windows", windows);
        m.put("steps_per_window", stepsPerWindow);
        m.put("onnxruntime", onnxruntimeVersion);
        return m;
    }

    /** One JSON object on one line. */
    public String toJson() {
        try {
            return new ObjectMapper().writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
