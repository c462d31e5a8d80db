package io.github.netspec.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.netspec.runtime.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * torchvision's ResNet-18 and MobileNetV2, written in torchvision.net with blocks, against PyTorch: both
 * run on weights and an input made by the same formula in Python and here (FormulaWeights), so only
 * PyTorch's outputs need committing. The weights file is written under torchvision's own state_dict names
 * (torchvision_state_dicts.txt, num_batches_tracked included) and loads with no renaming.
 */
class TorchvisionTest {

    /**
     * Of the largest output. Measured: ResNet-18 differs by 7.6e-5 on outputs up to 150 (5e-7), MobileNetV2
     * by 5.1e-5 on outputs up to 10.9 (4.6e-6): float32 sums in another order.
     */
    private static final double TOLERANCE = 2e-5;

    @TempDir
    Path folder;

    private Map<String, int[]> stateDict(String network) throws Exception {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        for (String line : Files.readAllLines(PyTorchReferenceTest.referenceDirectory().resolve("torchvision_state_dicts.txt"))) {
            String[] parts = line.split(" ");
            if (parts[0].equals(network) && !parts[1].endsWith(".num_batches_tracked")) {
                String dims = parts[2].substring(1, parts[2].length() - 1);
                shapes.put(parts[1], Arrays.stream(dims.split(",")).mapToInt(Integer::parseInt).toArray());
            }
        }
        assertTrue(shapes.size() > 100, network + ": " + shapes.size() + " tensors");
        return shapes;
    }

    private float[] expected(String network) throws Exception {
        try (SafeTensors outputs = SafeTensors.open(PyTorchReferenceTest.referenceDirectory()
                .resolve("torchvision_outputs.safetensors"))) {
            return outputs.floats(outputs.info(network).orElseThrow());
        }
    }

    private static void assertClose(float[] expected, float[] actual, String network) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE * scale, network + ": largest difference " + worst + " against outputs up to " + scale);
    }

    @Test
    void resnet18MatchesPyTorch() throws Exception {
        Path weights = folder.resolve("resnet18.safetensors");
        FormulaWeights.write(weights, stateDict("ResNet18"));
        ResNet18 network = ResNet18.load(weights);
        float[] input = FormulaWeights.input(ResNet18.INPUT_SIZE);
        assertClose(expected("ResNet18"), network.predict(input), "ResNet18");
        assertClose(expected("ResNet18"), network.withThreads(2).predict(input), "ResNet18 on 2 threads");
    }

    @Test
    void mobilenetV2MatchesPyTorch() throws Exception {
        Path weights = folder.resolve("mobilenet_v2.safetensors");
        FormulaWeights.write(weights, stateDict("MobileNetV2"));
        MobileNetV2 network = MobileNetV2.load(weights);
        assertClose(expected("MobileNetV2"), network.predict(FormulaWeights.input(MobileNetV2.INPUT_SIZE)), "MobileNetV2");
    }

    /**
     * MobileNetV2 runs a batch one sample at a time (its SAMPLES_PER_PASS is 1): a batch of three gives each
     * sample the bits it gets alone, on one thread and on a team of two sharing each layer.
     */
    @Test
    void mobilenetV2BatchRunsInPassesWithTheBitsOfEachSampleAlone() throws Exception {
        Path weights = folder.resolve("mobilenet_v2.safetensors");
        FormulaWeights.write(weights, stateDict("MobileNetV2"));
        MobileNetV2 network = MobileNetV2.load(weights);
        int size = MobileNetV2.INPUT_SIZE;
        float[] batch = new float[3 * size];
        float[] one = FormulaWeights.input(size);
        for (int sample = 0; sample < 3; sample++) {
            for (int i = 0; i < size; i++) {
                batch[sample * size + i] = one[(i + 1000 * sample) % size];
            }
        }
        float[] alone = new float[3 * MobileNetV2.OUTPUT_SIZE];
        for (int sample = 0; sample < 3; sample++) {
            System.arraycopy(network.predict(Arrays.copyOfRange(batch, sample * size, (sample + 1) * size)), 0, alone,
                    sample * MobileNetV2.OUTPUT_SIZE, MobileNetV2.OUTPUT_SIZE);
        }
        for (MobileNetV2 view : new MobileNetV2[] {network, network.withThreads(2)}) {
            float[] together = new float[3 * MobileNetV2.OUTPUT_SIZE];
            view.predict(batch, 3, together);
            assertTrue(Arrays.equals(alone, together), "a batch of three against each sample alone");
        }
    }
}
