package org.pretrain4j.app.cli;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pretrain4j.app.plugin.PluginRegistry;
import org.pretrain4j.spi.BackendFactory;
import org.pretrain4j.spi.ExportFormatFactory;
import org.pretrain4j.spi.MaskingStrategyFactory;
import org.pretrain4j.spi.ObjectiveFactory;
import org.pretrain4j.spi.PropertySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Lists every discovered objective, masking strategy, backend and export format with its properties and defaults. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List objectives, masking strategies, backends and export formats with their properties and defaults.")
final class PluginsCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PluginRegistry registry;
    private final Output output;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Inject
    PluginsCommand(PluginRegistry registry, Output output) {
        this.registry = requireNonNull(registry, "registry is null");
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = output.out();
        if (json) {
            out.println(JSON.writeValueAsString(toJson()));
        } else {
            section(out, "Objectives (--objective NAME[+NAME], properties as --property NAME.KEY=VALUE)",
                    registry.objectives(), ObjectiveFactory::description, ObjectiveFactory::properties, true);
            section(out, "Masking strategies (--property mlm.strategy=NAME)", registry.maskingStrategies(),
                    MaskingStrategyFactory::description, MaskingStrategyFactory::properties, false);
            section(out, "Backends (--backend NAME, properties as --property NAME.KEY=VALUE)", registry.backends(),
                    BackendFactory::description, BackendFactory::properties, false);
            section(out, "Export formats (export --format NAME[,NAME]; default: every one that fits the model)",
                    registry.exportFormats(), ExportFormatFactory::description, ExportFormatFactory::properties, false);
        }
        out.flush();
        return 0;
    }

    ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode objectives = root.putArray("objectives");
        registry.objectives().values().forEach(f -> objectives.add(entry(f, f.name(), f.description(), f.properties(), true)));
        ArrayNode strategies = root.putArray("masking_strategies");
        registry.maskingStrategies().values().forEach(f -> strategies.add(entry(f, f.name(), f.description(), f.properties(), false)));
        ArrayNode backends = root.putArray("backends");
        registry.backends().values().forEach(f -> backends.add(entry(f, f.name(), f.description(), f.properties(), false)));
        ArrayNode formats = root.putArray("export_formats");
        registry.exportFormats().values().forEach(f -> formats.add(entry(f, f.name(), f.description(), f.properties(), false)));
        return root;
    }

    private static ObjectNode entry(Object factory, String name, String description, List<PropertySpec> properties,
            boolean weighted) {
        ObjectNode node = JSON.createObjectNode();
        node.put("name", name);
        node.put("class", factory.getClass().getName());
        node.put("description", description);
        ArrayNode props = node.putArray("properties");
        for (PropertySpec p : withWeight(properties, weighted)) {
            ObjectNode prop = props.addObject();
            prop.put("key", p.key());
            if (p.defaultValue() == null) {
                prop.putNull("default");
            } else {
                prop.put("default", p.defaultValue());
            }
            prop.put("description", p.description());
        }
        return node;
    }

    /** Every objective also takes "weight", handled by the composition rather than the factory. */
    private static List<PropertySpec> withWeight(List<PropertySpec> properties, boolean weighted) {
        if (!weighted) {
            return properties;
        }
        var all = new java.util.ArrayList<PropertySpec>();
        all.add(new PropertySpec(ObjectiveFactory.WEIGHT, "1", "Weight of this objective's loss when objectives are combined with '+'."));
        all.addAll(properties);
        return all;
    }

    private static <T> void section(PrintWriter out, String title, Map<String, T> factories,
            java.util.function.Function<T, String> description, java.util.function.Function<T, List<PropertySpec>> properties,
            boolean weighted) {
        out.println(title + ":");
        if (factories.isEmpty()) {
            out.println("  (none)");
        }
        for (Map.Entry<String, T> e : factories.entrySet()) {
            out.printf("  %-12s %s%n", e.getKey(), description.apply(e.getValue()));
            out.printf("  %-12s (%s)%n", "", e.getValue().getClass().getName());
            for (PropertySpec p : withWeight(properties.apply(e.getValue()), weighted)) {
                String def = p.defaultValue() == null ? "required" : "default " + p.defaultValue();
                out.printf("      %-24s %s [%s]%n", p.key(), p.description(), def);
            }
        }
        out.println();
    }
}
