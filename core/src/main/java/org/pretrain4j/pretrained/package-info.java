/**
 * Published Hugging Face checkpoints (BERT, RoBERTa, GPT-2) as pretrain4j models: their
 * {@code config.json} read into a {@link org.pretrain4j.nn.TransformerConfig}, their tensor names
 * mapped both ways to the transformer's parameter names, and the loading report Hugging Face gives.
 */
package org.pretrain4j.pretrained;
