package io.github.netspec.samples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * samples/reference/formula_weights.py in Java, bit for bit: weights and inputs made from a counter-based
 * generator, so a network too large to commit can be run here on exactly the values PyTorch ran it on.
 */
final class FormulaWeights {

    private FormulaWeights() {}

    static long fnv1a64(String text) {
        long h = 0xCBF29CE484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001B3L;
        }
        return h;
    }

    /** u in [-0.5, 0.5): SplitMix64 of (name's hash + index), its top 24 bits as a fraction. */
    static float uniform(long nameHash, long index) {
        long z = nameHash + index + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (float) (z >>> 40) * 0x1p-24f - 0.5f;
    }

    static float[] tensor(String name, int[] shape) {
        int count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        long hash = fnv1a64(name);
        float[] values = new float[count];
        float scale = 0;
        if (shape.length > 1) {
            int fanIn = count / shape[0];
            scale = (float) (2 * Math.sqrt(6.0 / fanIn));
        }
        for (int i = 0; i < count; i++) {
            float u = uniform(hash, i);
            if (name.endsWith(".running_var")) {
                values[i] = 1f + u;
            } else if (shape.length == 1 && name.endsWith(".weight")) {
                values[i] = 1f + u * 0.5f;
            } else if (shape.length == 1) {
                values[i] = u * 0.5f;
            } else {
                values[i] = u * scale;
            }
        }
        return values;
    }

    static float[] input(int count) {
        long hash = fnv1a64("input");
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = uniform(hash, i) * 2f;
        }
        return values;
    }

    /** Writes the formula's value of each tensor, by name and shape, as an F32 safetensors file. */
    static void write(Path file, Map<String, int[]> shapes) throws IOException {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        shapes.forEach((name, shape) -> tensors.put(name, tensor(name, shape)));
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, float[]> tensor : tensors.entrySet()) {
            long end = offset + 4L * tensor.getValue().length;
            header.append(header.length() == 1 ? "" : ",").append('"').append(tensor.getKey()).append("\":{\"dtype\":\"F32\",")
                    .append("\"shape\":").append(Arrays.toString(shapes.get(tensor.getKey())).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        header.append('}');
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
            out.write(json);
            for (float[] values : tensors.values()) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(values);
                out.write(bytes.array());
            }
        }
    }
}
