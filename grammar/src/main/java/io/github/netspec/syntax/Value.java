package io.github.netspec.syntax;

import java.util.List;
import java.util.stream.Collectors;

/** An argument value as written. */
public sealed interface Value permits IntegerValue, Value.Decimal, Value.Bool, Value.Word, Value.Tuple {

    Position position();

    /** The value as the user would write it, for messages. */
    String text();

    /** What kind of value this is, for messages such as "expected an integer but found a word". */
    String kind();

    /** The kind with its article and the value as written, for messages: "an integer (3)". */
    default String describe() {
        String article = "aeiou".indexOf(kind().charAt(0)) >= 0 ? "an " : "a ";
        return article + kind() + " (" + text() + ")";
    }

    record Decimal(double value, String text, Position position) implements Value {
        @Override
        public String kind() {
            return "decimal number";
        }
    }

    record Bool(boolean value, Position position) implements Value {
        @Override
        public String text() {
            return Boolean.toString(value);
        }

        @Override
        public String kind() {
            return "boolean";
        }
    }

    /** A bare word: a keyword such as {@code same} or {@code relu}, or a label in a merge. */
    record Word(String word, Position position) implements Value {
        @Override
        public String text() {
            return word;
        }

        @Override
        public String kind() {
            return "word";
        }
    }

    record Tuple(List<Value> elements, Position position) implements Value {
        public Tuple {
            elements = List.copyOf(elements);
        }

        @Override
        public String text() {
            return elements.stream().map(Value::text).collect(Collectors.joining(", ", "(", ")"));
        }

        @Override
        public String kind() {
            return "tuple";
        }
    }
}
