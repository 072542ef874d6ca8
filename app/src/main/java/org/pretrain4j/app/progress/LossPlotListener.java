package org.pretrain4j.app.progress;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.pretrain4j.train.EvalRecord;
import org.pretrain4j.train.JsonLinesMetricsWriter;
import org.pretrain4j.train.StepRecord;
import org.pretrain4j.train.TrainingListener;
import org.pretrain4j.train.TrainingResult;
import org.pretrain4j.train.TrainingStart;

/**
 * Loss curves as PNGs in the run folder, one per objective term ({@code loss-masked_lm.png}) plus
 * the weighted total ({@code loss.png}), train and validation, rewritten at each evaluation and
 * checkpoint. A resumed run starts from the history in {@code metrics.jsonl}.
 */
public final class LossPlotListener implements TrainingListener {
    /** Total loss: the key of the weighted sum beside the terms. */
    static final String TOTAL = "loss";

    private final Path runDirectory;
    private final Map<String, Series> train = new LinkedHashMap<>();
    private final Map<String, Series> validation = new LinkedHashMap<>();

    public LossPlotListener(Path runDirectory) {
        this.runDirectory = requireNonNull(runDirectory, "runDirectory is null");
        // XChart draws with AWT; never open a display.
        System.setProperty("java.awt.headless", "true");
    }

    private static final class Series {
        final List<Double> steps = new ArrayList<>();
        final List<Double> values = new ArrayList<>();

        void add(long step, double value) {
            if (Double.isFinite(value)) {
                steps.add((double) step);
                values.add(value);
            }
        }
    }

    @Override
    public void onStart(TrainingStart start) {
        train.clear();
        validation.clear();
        Path metrics = start.runDirectory().resolve(JsonLinesMetricsWriter.FILE_NAME);
        if (start.startStep() > 0 && Files.exists(metrics)) {
            for (JsonNode record : JsonLinesMetricsWriter.read(metrics)) {
                long step = record.path("step").asLong();
                if (step > start.startStep()) {
                    continue;
                }
                String type = record.path("type").asText();
                Map<String, Series> target = type.equals("eval") ? validation : type.equals("train") ? train : null;
                if (target == null) {
                    continue;
                }
                target.computeIfAbsent(TOTAL, k -> new Series()).add(step, record.path("loss").asDouble(Double.NaN));
                for (Map.Entry<String, JsonNode> e : record.path("losses").properties()) {
                    target.computeIfAbsent(e.getKey(), k -> new Series()).add(step, e.getValue().asDouble(Double.NaN));
                }
            }
        }
    }

    @Override
    public void onStep(StepRecord r) {
        add(train, r.step(), r.loss(), r.termLosses());
    }

    @Override
    public void onEvaluation(EvalRecord r) {
        add(validation, r.step(), r.loss(), r.termLosses());
        write();
    }

    @Override
    public void onCheckpoint(long step, Path directory) {
        write();
    }

    @Override
    public void onFinish(TrainingResult result) {
        write();
    }

    private static void add(Map<String, Series> into, long step, double loss, Map<String, Double> terms) {
        into.computeIfAbsent(TOTAL, k -> new Series()).add(step, loss);
        terms.forEach((term, value) -> into.computeIfAbsent(term, k -> new Series()).add(step, value));
    }

    /** The PNG files written so far, by term. */
    public Map<String, Path> files() {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String term : train.keySet()) {
            files.put(term, runDirectory.resolve(fileName(term)));
        }
        return files;
    }

    static String fileName(String term) {
        return term.equals(TOTAL) ? "loss.png" : "loss-" + term.replaceAll("[^A-Za-z0-9_.-]", "_") + ".png";
    }

    private void write() {
        List<String> terms = new ArrayList<>(train.keySet());
        validation.keySet().forEach(t -> {
            if (!terms.contains(t)) {
                terms.add(t);
            }
        });
        for (String term : terms) {
            XYChart chart = new XYChartBuilder().width(800).height(480)
                    .title(term.equals(TOTAL) ? "loss (weighted sum of the terms)" : term + " loss")
                    .xAxisTitle("step").yAxisTitle("loss").build();
            chart.getStyler().setMarkerSize(6);
            // Whole steps, slanted, so that long runs' labels ("1,350", "2,020") never run together.
            chart.getStyler().setXAxisDecimalPattern("#,###");
            chart.getStyler().setXAxisLabelRotation(45);
            Series t = train.get(term);
            if (t != null && !t.steps.isEmpty()) {
                XYSeries s = chart.addSeries("train", t.steps, t.values);
                s.setMarker(SeriesMarkers.NONE);
            }
            Series v = validation.get(term);
            if (v != null && !v.steps.isEmpty()) {
                XYSeries s = chart.addSeries("validation", v.steps, v.values);
                s.setMarker(SeriesMarkers.CIRCLE);
            }
            if (chart.getSeriesMap().isEmpty()) {
                continue;
            }
            Path target = runDirectory.resolve(fileName(term));
            Path temporary = runDirectory.resolve(".tmp-" + fileName(term));
            try {
                Files.createDirectories(runDirectory);
                BitmapEncoder.saveBitmap(chart, temporary.toString(), BitmapEncoder.BitmapFormat.PNG);
                // Readers never see a half-written picture.
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write the loss plot " + target + ": " + org.pretrain4j.train.IoFailures.describe(e), e);
            }
        }
    }
}
