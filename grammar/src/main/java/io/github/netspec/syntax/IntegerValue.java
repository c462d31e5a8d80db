package io.github.netspec.syntax;

import java.math.BigInteger;

/**
 * An integer as written. {@code value} saturates at the bounds of {@code long} so that a literal of any
 * length is still representable; {@link #fitsInt()} tells whether it is usable as a Java {@code int}.
 */
public record IntegerValue(long value, String text, Position position) implements Value {

    public static IntegerValue parse(String text, Position position) {
        BigInteger exact = new BigInteger(text);
        long saturated = exact.bitLength() < 64 ? exact.longValue() : exact.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        return new IntegerValue(saturated, text, position);
    }

    public boolean fitsInt() {
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
    }

    @Override
    public String kind() {
        return "integer";
    }
}
