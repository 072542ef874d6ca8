/**
 * Reading and writing the weight files of published models: safetensors (memory-mapped, sharded
 * with an index) and PyTorch's {@code pytorch_model.bin} through a restricted unpickler that never
 * runs code from the file.
 *
 * <p>Entry points: {@link org.pretrain4j.weights.WeightFiles#open} for a Hugging Face model folder,
 * {@link org.pretrain4j.weights.SafetensorsReader}, {@link org.pretrain4j.weights.TorchCheckpointReader}
 * and {@link org.pretrain4j.weights.SafetensorsWriter}.
 */
package org.pretrain4j.weights;
