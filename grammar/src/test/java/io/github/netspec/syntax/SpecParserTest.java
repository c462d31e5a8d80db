package io.github.netspec.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpecParserTest {

    private static final String MNIST = """
            // the core spec's example
            network MnistNet {
                input [1, 28, 28]
                conv1: conv2d(32, kernel=3, padding=same, activation=relu) -> [32, 28, 28]
                maxpool(2)
                flatten
                fc: dense(10)
                softmax
            }
            """;

    @Test
    void buildsTheTreeWithPositions() {
        ParseResult result = SpecParser.parse("mnist.net", MNIST);
        assertFalse(result.hasErrors(), result.diagnostics().toString());
        Network network = result.file().networks().get(0);
        assertEquals("MnistNet", network.name());
        assertEquals(new Position(2, 9, 8), network.position());
        assertEquals(6, network.statements().size());

        Operation.Input input = assertInstanceOf(Operation.Input.class, network.statements().get(0).operation());
        assertEquals("[1, 28, 28]", input.shape().toString());

        Statement conv = network.statements().get(1);
        assertEquals(Optional.of(new Label("conv1", new Position(4, 5, 5))), conv.label());
        Operation.Layer layer = assertInstanceOf(Operation.Layer.class, conv.operation());
        assertEquals("conv2d", layer.name());
        assertEquals(new Position(4, 12, 51), layer.position());
        assertEquals(1, layer.positional().size());
        Argument kernel = layer.named("kernel").orElseThrow();
        assertEquals(new Position(4, 23, 8), kernel.position());
        assertEquals(3L, assertInstanceOf(IntegerValue.class, kernel.value()).value());
        assertEquals("same", assertInstanceOf(Value.Word.class, layer.named("padding").orElseThrow().value()).word());
        assertEquals("[32, 28, 28]", conv.expectedShape().orElseThrow().toString());
    }

    @Test
    void readsEveryKindOfValue() {
        ParseResult result = SpecParser.parse("v.net",
                "network N { input [3] x: layer(1, -2, 0.5, 1e-3, true, false, word, (1, (2, 3))) }");
        assertFalse(result.hasErrors(), result.diagnostics().toString());
        List<Argument> args = ((Operation.Layer) result.file().networks().get(0).statements().get(1).operation()).arguments();
        assertEquals(-2L, ((IntegerValue) args.get(1).value()).value());
        assertEquals(0.5, ((Value.Decimal) args.get(2).value()).value());
        assertEquals(1e-3, ((Value.Decimal) args.get(3).value()).value());
        assertTrue(((Value.Bool) args.get(4).value()).value());
        assertEquals("(1, (2, 3))", args.get(7).value().text());
    }

    @Test
    void keepsIntegersTooLargeForLongAsWritten() {
        ParseResult result = SpecParser.parse("big.net", "network N { input [99999999999999999999999] }");
        IntegerValue dimension = ((Operation.Input) result.file().networks().get(0).statements().get(0).operation())
                .shape().dimensions().get(0);
        assertEquals("99999999999999999999999", dimension.text());
        assertEquals(Long.MAX_VALUE, dimension.value());
        assertFalse(dimension.fitsInt());
    }

    @Test
    void reportsSyntaxErrorsAtTheirPositionAndRecoversToFindMore() {
        ParseResult result = SpecParser.parse("bad.net", """
                network A {
                    input [1, 2, 3
                    conv2d(8, kernel=3)
                }
                network B {
                    x: dense(10,,)
                }
                """);
        assertTrue(result.hasErrors());
        // The missing ']' is blamed where it belongs, at the end of line 2, not on the conv2d that follows.
        assertEquals(new Position(2, 19), result.diagnostics().get(0).position(), result.diagnostics().toString());
        // Recovery goes on to the second network; its bad line gives one error, not one per stray comma.
        assertEquals(2, result.diagnostics().size(), result.diagnostics().toString());
        assertEquals(6, result.diagnostics().get(1).position().line(), result.diagnostics().toString());
    }

    @Test
    void namesAnUnterminatedCommentAndAStrayCharacter() {
        ParseResult comment = SpecParser.parse("c.net", "network A { input [3] }\n/* never closed");
        assertEquals("c.net:2:1: error: unterminated block comment", comment.diagnostics().get(0).headline());
        ParseResult stray = SpecParser.parse("s.net", "network A { input [3] # }");
        assertEquals("s.net:1:23: error: unexpected character '#'", stray.diagnostics().get(0).headline());
    }

    @Test
    void neverThrowsAndAlwaysPlacesDiagnosticsInsideTheText() {
        Random random = new Random(42);
        String alphabet = "network input from conv2d dense ( ) [ ] { } , : = -> - 0 1 9 3.5 1e9 true x_1 // /* */ \n\t#$@\"'";
        for (int i = 0; i < 5000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(80);
            for (int j = 0; j < length; j++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ParseResult result = SpecParser.parse("fuzz.net", text.toString());
            int lines = text.toString().split("\n", -1).length;
            for (Diagnostic d : result.diagnostics()) {
                assertTrue(d.position().line() <= lines, () -> "line past the end for: " + text);
            }
        }
    }
}
