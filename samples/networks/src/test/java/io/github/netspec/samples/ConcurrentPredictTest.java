package io.github.netspec.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The generated class's contract beyond numerics: thread safety, input checks, load errors. */
class ConcurrentPredictTest {

    private static Branches load() throws Exception {
        return Branches.load(PyTorchReferenceTest.referenceDirectory().resolve("Branches.safetensors"));
    }

    @Test
    void oneModelServesManyThreadsWithTheSameAnswers() throws Exception {
        Branches network = load();
        Random random = new Random(1);
        List<float[]> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            float[] input = new float[Branches.INPUT_SIZE];
            for (int j = 0; j < input.length; j++) {
                input[j] = (float) random.nextGaussian();
            }
            inputs.add(input);
            expected.add(network.predict(input));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                work.add(pool.submit(() -> {
                    for (int round = 0; round < 50; round++) {
                        for (int i = 0; i < inputs.size(); i++) {
                            assertArrayEquals(expected.get(i), network.predict(inputs.get(i)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongInputLengthIsAClearError() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load().predict(new float[10]));
        assertEquals("Branches.predict needs 324 floats (shape [4, 9, 9], flattened in C, H, W order) but got 10", e.getMessage());
    }

    @Test
    void weightsOfAnotherNetworkFailToLoadNamingEveryProblem() throws Exception {
        Path wrong = PyTorchReferenceTest.referenceDirectory().resolve("MnistNet.safetensors");
        String message = assertThrows(java.io.IOException.class, () -> Branches.load(wrong)).getMessage();
        assertTrue(message.startsWith("cannot load Branches from "), message);
        assertTrue(message.contains("tensor 'a.weight' [6, 4, 3, 3] is missing; a: conv2d at coverage.net:34:8 needs it"), message);
        assertTrue(message.contains("the file also holds tensors the network does not use: conv1.bias, conv1.weight, fc.bias, fc.weight"), message);
    }

    @Test
    void aTruncatedWeightsFileIsAClearError() throws Exception {
        Path good = PyTorchReferenceTest.referenceDirectory().resolve("Branches.safetensors");
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.createTempFile("truncated", ".safetensors");
        try {
            Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
            String message = assertThrows(java.io.IOException.class, () -> Branches.load(truncated)).getMessage();
            assertTrue(message.contains("is not a valid safetensors file") && message.contains("truncated"), message);
        } finally {
            Files.delete(truncated);
        }
    }
}
