package io.github.netspec.samples.digits;

import io.github.netspec.runtime.SafeTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Classifies the held-out digits with the generated {@link DigitsNet} and compares with PyTorch.
 *
 * <p>Usage: {@code ClassifyDigits WEIGHTS.safetensors TEST.safetensors}
 */
public final class ClassifyDigits {

    private ClassifyDigits() {}

    /** The held-out split: images, true labels, and PyTorch's class probabilities for each. */
    record TestSet(float[] images, int[] labels, float[] probabilities) {
        int size() {
            return labels.length;
        }

        float[] image(int i) {
            return Arrays.copyOfRange(images, i * DigitsNet.INPUT_SIZE, (i + 1) * DigitsNet.INPUT_SIZE);
        }

        int pytorchPrediction(int i) {
            return argmax(Arrays.copyOfRange(probabilities, i * 10, (i + 1) * 10));
        }

        static TestSet read(Path path) throws IOException {
            try (SafeTensors file = SafeTensors.open(path)) {
                float[] labels = file.floats(file.info("labels").orElseThrow(() -> missing(path, "labels")));
                return new TestSet(
                        file.floats(file.info("images").orElseThrow(() -> missing(path, "images"))),
                        toInts(labels),
                        file.floats(file.info("probabilities").orElseThrow(() -> missing(path, "probabilities"))));
            }
        }

        private static IOException missing(Path path, String tensor) {
            return new IOException(path + " has no '" + tensor + "' tensor; write it with samples/reference/train_digits.py");
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ClassifyDigits WEIGHTS.safetensors TEST.safetensors");
            System.exit(2);
        }
        DigitsNet network = DigitsNet.load(Path.of(args[0]));
        TestSet test = TestSet.read(Path.of(args[1]));

        int correct = 0;
        int pytorchCorrect = 0;
        int agree = 0;
        for (int i = 0; i < test.size(); i++) {
            int ours = argmax(network.predict(test.image(i)));
            int theirs = test.pytorchPrediction(i);
            correct += ours == test.labels()[i] ? 1 : 0;
            pytorchCorrect += theirs == test.labels()[i] ? 1 : 0;
            agree += ours == theirs ? 1 : 0;
        }
        System.out.printf("DigitsNet (%d parameters) on %d held-out 8x8 digits%n", DigitsNet.PARAMETER_COUNT, test.size());
        System.out.printf("kernels: %s%n", io.github.netspec.runtime.Simd.describe());
        System.out.printf("netspec accuracy: %.4f (%d/%d)%n", (double) correct / test.size(), correct, test.size());
        System.out.printf("PyTorch accuracy: %.4f (%d/%d)%n", (double) pytorchCorrect / test.size(), pytorchCorrect, test.size());
        System.out.printf("predictions agree on %d/%d digits%n", agree, test.size());
        if (correct != pytorchCorrect || agree != test.size()) {
            System.exit(1);
        }
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Labels are stored as floats (safetensors files written here hold float tensors only). */
    private static int[] toInts(float[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.round(values[i]);
        }
        return out;
    }
}
