package io.github.netspec.generator;

/**
 * A tensor a layer loads from the weights file.
 *
 * @param trainable counted in the parameter count, as PyTorch's {@code parameters()} does (batch norm's
 *     running statistics are buffers, not parameters)
 */
public record WeightTensor(String name, Shape shape, boolean trainable) {}
