package io.github.netspec.samples.digits;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The generated classifier reproduces the trained PyTorch model on every held-out digit. */
class DigitsNetTest {

    @Test
    void probabilitiesAndAccuracyEqualPyTorch() throws Exception {
        DigitsNet network = DigitsNet.load(Path.of("data/digits.safetensors"));
        ClassifyDigits.TestSet test = ClassifyDigits.TestSet.read(Path.of("data/digits-test.safetensors"));
        assertEquals(360, test.size());

        int correct = 0;
        int pytorchCorrect = 0;
        for (int i = 0; i < test.size(); i++) {
            float[] probabilities = network.predict(test.image(i));
            float[] expected = Arrays.copyOfRange(test.probabilities(), i * 10, (i + 1) * 10);
            assertArrayEquals(expected, probabilities, 1e-5f, "digit " + i);
            assertEquals(test.pytorchPrediction(i), ClassifyDigits.argmax(probabilities), "digit " + i);
            correct += ClassifyDigits.argmax(probabilities) == test.labels()[i] ? 1 : 0;
            pytorchCorrect += test.pytorchPrediction(i) == test.labels()[i] ? 1 : 0;
        }
        assertEquals(pytorchCorrect, correct);
        assertTrue(correct > 0.9 * test.size(), "a trained model should be accurate; got " + correct);
    }
}
