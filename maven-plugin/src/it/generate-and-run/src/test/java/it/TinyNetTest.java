package it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import it.nets.TinyNet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TinyNetTest {

    @TempDir
    Path folder;

    @Test
    void loadsWeightsAndPredicts() throws Exception {
        // All-zero convolution and dense weights with chosen biases make the output computable by hand:
        // relu(bias) survives pooling, and the dense layer sees it only through its own bias.
        Map<String, float[]> tensors = new LinkedHashMap<>();
        tensors.put("conv1.weight", new float[2 * 9]);
        tensors.put("conv1.bias", new float[] {1f, 2f});
        tensors.put("fc.weight", new float[3 * 8]);
        tensors.put("fc.bias", new float[] {0f, (float) Math.log(2), (float) Math.log(5)});
        Map<String, int[]> shapes = Map.of("conv1.weight", new int[] {2, 1, 3, 3}, "conv1.bias", new int[] {2},
                "fc.weight", new int[] {3, 8}, "fc.bias", new int[] {3});
        Path weights = folder.resolve("tiny.safetensors");
        write(weights, tensors, shapes);

        TinyNet net = TinyNet.load(weights);
        assertEquals(36, TinyNet.INPUT_SIZE);
        assertEquals(3, TinyNet.OUTPUT_SIZE);
        float[] probabilities = net.predict(new float[36]);
        assertArrayEquals(new float[] {1 / 8f, 2 / 8f, 5 / 8f}, probabilities, 1e-6f);
    }

    /** A minimal safetensors writer: a JSON header, then the little-endian float data. */
    private static void write(Path file, Map<String, float[]> tensors, Map<String, int[]> shapes) throws Exception {
        StringBuilder header = new StringBuilder("{");
        int offset = 0;
        for (Map.Entry<String, float[]> tensor : tensors.entrySet()) {
            int bytes = tensor.getValue().length * 4;
            StringBuilder shape = new StringBuilder();
            for (int d : shapes.get(tensor.getKey())) {
                shape.append(shape.length() == 0 ? "" : ",").append(d);
            }
            header.append(header.length() == 1 ? "" : ",").append('"').append(tensor.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":[")
                    .append(shape).append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + offset).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        tensors.values().forEach(values -> {
            for (float v : values) {
                buffer.putFloat(v);
            }
        });
        Files.write(file, buffer.array());
    }
}
