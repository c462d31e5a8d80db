package io.github.netspec.runtime;

/** A fully connected layer, PyTorch's {@code Linear}: {@code y = W x + b} with W in {@code [out, in]}. */
public final class Dense {

    private Dense() {}

    /** @param bias one value per output, or null for none */
    public static void forward(int inSize, int outSize, float[] input, float[] weight, float[] bias, float[] output) {
        for (int o = 0; o < outSize; o++) {
            float sum = bias == null ? 0f : bias[o];
            int row = o * inSize;
            for (int i = 0; i < inSize; i++) {
                sum += weight[row + i] * input[i];
            }
            output[o] = sum;
        }
    }
}
