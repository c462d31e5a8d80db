package io.github.netspec.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and the loader generated code uses: conversions, and every kind of bad file. */
class SafeTensorsTest {

    @TempDir
    Path dir;

    /** A file with the given JSON header and data bytes. */
    private Path file(String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json).put(data);
        Path path = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(path, bytes.array());
        return path;
    }

    private static byte[] floats(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return bytes.array();
    }

    private static byte[] shorts(int... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            bytes.putShort((short) v);
        }
        return bytes.array();
    }

    /** Opening the file fails with a message that says what is wrong. */
    private static void assertRejected(Path path, String expectedFragment) {
        IOException e = assertThrows(WeightsException.class, () -> SafeTensors.open(path));
        assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());
    }

    private static float[] read(Path path, String name) throws IOException {
        try (SafeTensors file = SafeTensors.open(path)) {
            return file.floats(file.info(name).orElseThrow());
        }
    }

    @Test
    void readsF32() throws IOException {
        Path path = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},\"__metadata__\":{\"format\":\"pt\"}}",
                floats(1f, -2.5f, 3e-8f, Float.MAX_VALUE));
        assertArrayEquals(new float[] {1f, -2.5f, 3e-8f, Float.MAX_VALUE}, read(path, "w"));
    }

    @Test
    void convertsHalfPrecisionExactly() throws IOException {
        // 1.0, -2.0, 65504 (largest half), 2^-24 (smallest subnormal), +infinity
        Path path = file("{\"h\":{\"dtype\":\"F16\",\"shape\":[5],\"data_offsets\":[0,10]}}",
                shorts(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00));
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY}, read(path, "h"));
    }

    @Test
    void convertsHalfPrecisionWrittenByPyTorch() throws Exception {
        float[] half = read(KernelReferenceTest.resource("half.safetensors"), "x");
        try (SafeTensors cases = SafeTensors.open(KernelReferenceTest.resource("cases.safetensors"))) {
            float[] full = cases.floats(cases.info("activation.input").orElseThrow());
            for (int i = 0; i < full.length; i++) {
                assertEquals(full[i], half[i], Math.abs(full[i]) * 1e-3f + 1e-4f, "element " + i);
            }
        }
    }

    @Test
    void convertsBfloat16() throws IOException {
        // bfloat16 is the top half of a float: 1.5 is 0x3FC0, -0.15625 is 0xBE20.
        Path path = file("{\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", shorts(0x3FC0, 0xBE20));
        assertArrayEquals(new float[] {1.5f, -0.15625f}, read(path, "b"));
    }

    @Test
    void aHeaderLengthOfExabytesFailsWithoutAllocating() throws IOException {
        Path path = Files.createTempFile(dir, "huge", ".safetensors");
        Files.write(path, new byte[] {-1, -1, -1, -1, -1, -1, -1, 127, '{', '}'});
        assertRejected(path, "header length field says 9223372036854775807 bytes, but 2 bytes follow");
    }

    @Test
    void aHeaderLengthOfGigabytesBeyondTheFileFails() throws IOException {
        Path path = Files.createTempFile(dir, "gb", ".safetensors");
        ByteBuffer bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(3L << 30).put("{}      ".getBytes(StandardCharsets.US_ASCII));
        Files.write(path, bytes.array());
        assertThrows(WeightsException.class, () -> SafeTensors.open(path));
    }

    @Test
    void rejectsFilesTooShortForAHeader() throws IOException {
        Path path = Files.createTempFile(dir, "short", ".safetensors");
        Files.write(path, new byte[] {1, 2, 3});
        assertRejected(path, "3 bytes");
    }

    @Test
    void rejectsMalformedJson() throws IOException {
        Path path = file("{\"w\":{\"dtype\":\"F32\",", new byte[0]);
        assertRejected(path, "malformed JSON header");
    }

    @Test
    void rejectsDeeplyNestedJsonWithoutOverflowingTheStack() throws IOException {
        Path path = file("[".repeat(100_000), new byte[0]);
        assertThrows(WeightsException.class, () -> SafeTensors.open(path));
    }

    @Test
    void rejectsOffsetsPastTheEndOfTheData() throws IOException {
        Path path = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", floats(1f, 2f));
        assertRejected(path, "truncated");
    }

    @Test
    void rejectsAShapeThatDisagreesWithTheByteCount() throws IOException {
        Path path = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", floats(1f, 2f));
        assertRejected(path, "shape [3] of F32 (3 elements of 4 bytes) but 8 bytes");
    }

    @Test
    void rejectsUnknownDtypes() throws IOException {
        Path path = file("{\"w\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", new byte[16]);
        assertRejected(path, "unknown dtype F128");
    }

    @Test
    void loaderReportsEveryProblemAtOnceAndNamesTheLayer() throws IOException {
        // An int64 counter like batch norm's num_batches_tracked is fine as long as nothing asks for it.
        Path path = file("{\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                        + "\"n\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[24,32]},"
                        + "\"extra\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[32,36]}}",
                new byte[36]);
        try (WeightsLoader loader = WeightsLoader.open(path, "Net")) {
            assertEquals(6, loader.tensor("a.weight", new int[] {3, 2}, "a: conv2d at net.net:3:5").length);
            assertEquals(4, loader.tensor("a.bias", new int[] {4}, "a: conv2d at net.net:3:5").length);
            loader.tensor("n", new int[] {1}, "b: dense at net.net:4:5");
            String message = assertThrows(WeightsException.class, loader::finish).getMessage();
            assertTrue(message.contains("3 problems"), message);
            assertTrue(message.contains("tensor 'a.weight' has shape [2, 3] but a: conv2d at net.net:3:5 needs [3, 2]"), message);
            assertTrue(message.contains("tensor 'a.bias' [4] is missing"), message);
            assertTrue(message.contains("tensor 'n' has dtype I64"), message);
            assertTrue(message.contains("does not use: extra"), message);
        }
    }

    @Test
    void loaderWithEverythingRightFinishesQuietly() throws IOException {
        Path path = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", floats(4f, 5f));
        try (WeightsLoader loader = WeightsLoader.open(path, "Net")) {
            assertArrayEquals(new float[] {4f, 5f}, loader.tensor("w", new int[] {2}, "w"));
            loader.finish();
        }
    }

    @Test
    void inputOfTheWrongLengthNamesBothLengthsAndTheShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensors.requireInput(new float[100], 784, "MnistNet", new int[] {1, 28, 28}));
        assertEquals("MnistNet.predict needs 784 floats (shape [1, 28, 28], flattened in C, H, W order) but got 100",
                e.getMessage());
    }
}
