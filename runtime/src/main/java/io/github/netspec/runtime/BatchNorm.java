package io.github.netspec.runtime;

/**
 * Inference batch norm, {@code y = (x - mean) / sqrt(var + eps) * weight + bias} per channel, folded at
 * load time into one multiply-add: {@code y = x * scale + shift}.
 */
public final class BatchNorm {

    private final float[] scale;
    private final float[] shift;

    private BatchNorm(float[] scale, float[] shift) {
        this.scale = scale;
        this.shift = shift;
    }

    /** Folds the running statistics and affine parameters of one batch norm layer. */
    public static BatchNorm fold(float[] weight, float[] bias, float[] runningMean, float[] runningVar, double eps) {
        int channels = weight.length;
        if (bias.length != channels || runningMean.length != channels || runningVar.length != channels) {
            throw new IllegalArgumentException("batch norm tensors disagree on the channel count: weight "
                    + channels + ", bias " + bias.length + ", running_mean " + runningMean.length
                    + ", running_var " + runningVar.length);
        }
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = weight[c] / Math.sqrt(runningVar[c] + eps);
            scale[c] = (float) s;
            shift[c] = (float) (bias[c] - runningMean[c] * s);
        }
        return new BatchNorm(scale, shift);
    }

    public int channels() {
        return scale.length;
    }

    /** The multiplier of channel {@code c}. */
    public float scale(int c) {
        return scale[c];
    }

    /** The addend of channel {@code c}. */
    public float shift(int c) {
        return shift[c];
    }

    /** Applies the folded transform in place to {@code [channels, spatial]}. */
    public void apply(float[] x, int spatial) {
        apply(x, 0, spatial, 1);
    }

    /** Applies it to {@code batch} tensors of {@code [channels, spatial]}, one after another from {@code x[offset]}. */
    public void apply(float[] x, int offset, int spatial, int batch) {
        for (int sample = 0; sample < batch; sample++) {
            int start = offset + sample * scale.length * spatial;
            for (int c = 0; c < scale.length; c++) {
                int from = start + c * spatial;
                for (int i = from; i < from + spatial; i++) {
                    x[i] = x[i] * scale[c] + shift[c];
                }
            }
        }
    }
}
