package org.pretrain4j.nn;

import java.util.Arrays;
import java.util.Locale;
import org.pretrain4j.graph.Graph;
import org.pretrain4j.graph.Tensor;

/**
 * The feed-forward (and MLM head transform) activation, named as Hugging Face configurations name
 * it ({@code hidden_act} / {@code activation_function}).
 */
public enum Activation {
    /** Exact GELU, x Phi(x): BERT's and RoBERTa's {@code gelu}. */
    GELU("gelu"),
    /** GELU's tanh approximation: GPT-2's {@code gelu_new}. */
    GELU_TANH("gelu_new");

    private final String huggingFaceName;

    Activation(String huggingFaceName) {
        this.huggingFaceName = huggingFaceName;
    }

    /** The name a Hugging Face config.json gives it. */
    public String huggingFaceName() {
        return huggingFaceName;
    }

    /** Applies it to {@code x}. */
    public Tensor apply(Graph graph, Tensor x) {
        return this == GELU ? graph.gelu(x) : graph.geluTanh(x);
    }

    /**
     * The activation a Hugging Face name stands for; {@code gelu_pytorch_tanh} and
     * {@code gelu_fast} compute the same tanh approximation. An unknown name fails listing the
     * supported ones.
     */
    public static Activation fromHuggingFace(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh" -> GELU_TANH;
            default -> throw new IllegalArgumentException("activation '" + name + "' is not supported; supported: "
                    + Arrays.asList("gelu", "gelu_new", "gelu_pytorch_tanh"));
        };
    }
}
