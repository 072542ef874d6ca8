package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pretrain4j.app.UserException;
import org.pretrain4j.app.inference.Candidate;
import org.pretrain4j.app.inference.ExportedModel;
import org.pretrain4j.app.inference.Sampling;
import org.pretrain4j.app.inference.TextGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Continues a prompt with an exported decoder through its KV cache. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt with an exported decoder (clm) through its KV cache: greedy, or sampled with temperature, top-k and top-p.")
final class GenerateCommand implements Callable<Integer> {
    private final Output output;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Export folder (e.g. RUN_DIR/export).")
    Path model;

    @Option(names = "--max-new-tokens", defaultValue = "20", description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 for greedy decoding; above 0 samples (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", defaultValue = "0", description = "Sample only from the K most likely tokens, 0 for all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "1", description = "Sample only from the most likely tokens whose probability adds up to P (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--show-top", defaultValue = "0", description = "Also print the N most likely tokens at each step with their probabilities.")
    int showTop;

    @Option(names = "--json", description = "Print one JSON object: the text and each token with its probability and alternatives.")
    boolean json;

    @Parameters(paramLabel = "PROMPT", description = "The text to continue.")
    String prompt;

    @Inject
    GenerateCommand(Output output) {
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() {
        if (maxNewTokens <= 0) {
            throw UserException.usage("--max-new-tokens must be positive, got " + maxNewTokens + ".");
        }
        Sampling sampling;
        try {
            sampling = new Sampling(temperature, topK, topP, seed);
        } catch (IllegalArgumentException e) {
            throw UserException.usage(e.getMessage());
        }
        int alternatives = Math.max(showTop, json ? 5 : 0);
        List<TextGenerator.Step> steps;
        String text;
        String stopReason;
        try (ExportedModel exported = ExportedModel.open(model)) {
            TextGenerator generator = new TextGenerator(exported);
            steps = generator.generate(prompt, maxNewTokens, sampling, alternatives, step -> {
                if (showTop > 0 && !json) {
                    StringBuilder line = new StringBuilder();
                    for (Candidate c : step.top()) {
                        line.append(String.format("  '%s' %.1f%%", c.token(), 100 * c.probability()));
                    }
                    output.err().println(String.format("%-16s %5.1f%% |", "'" + step.token() + "'", 100 * step.probability()) + line);
                }
            });
            int[] ids = steps.stream().mapToInt(TextGenerator.Step::id).toArray();
            text = exported.tokenizer().decode(ids);
            int eos = exported.tokenizer().specialTokens().eos();
            if (steps.size() >= maxNewTokens) {
                stopReason = "max_new_tokens";
            } else if (!steps.isEmpty() && steps.get(steps.size() - 1).id() == eos) {
                stopReason = "end_of_text";
            } else {
                // The only other way out of the loop: prompt plus new tokens filled the model's positions.
                stopReason = "max_positions";
                output.err().println("Stopped after " + steps.size() + " of " + maxNewTokens + " new tokens: the model reads at most "
                        + generator.maxPositions() + " positions (prompt and generated tokens together).");
                output.err().flush();
            }
        }
        if (json) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("prompt", prompt);
            row.put("generated_text", prompt + text);
            List<Object> tokens = new ArrayList<>();
            for (TextGenerator.Step s : steps) {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("id", s.id());
                t.put("token", s.token());
                t.put("probability", s.probability());
                List<Object> top = new ArrayList<>();
                for (Candidate c : s.top()) {
                    top.add(Map.of("id", c.id(), "token", c.token(), "probability", c.probability()));
                }
                t.put("top", top);
                tokens.add(t);
            }
            row.put("tokens", tokens);
            row.put("stop_reason", stopReason);
            output.out().println(Json.write(row));
        } else {
            output.out().println(prompt + text);
        }
        output.out().flush();
        return 0;
    }
}
