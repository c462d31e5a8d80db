package io.github.netspec.generator;

/** What a layer parameter accepts. The binder checks values against these before any shape is looked at. */
enum ParameterType {
    /** A whole number of at least 1: channel counts, groups, multipliers. */
    COUNT("a whole number of at least 1"),
    /** A whole number of at least 1, or a tuple of them, one per spatial dimension: kernel, stride, dilation. */
    SPATIAL("a whole number of at least 1, or a tuple such as (3, 3)"),
    /** A whole number of at least 0, a tuple of them, or one of the padding words. */
    PADDING("a whole number of at least 0, a tuple such as (1, 2), or one of same, valid"),
    /** A whole number of at least 0, or a tuple of them: a transposed convolution's padding and output padding. */
    SIZES("a whole number of at least 0, or a tuple such as (1, 0)"),
    PADDING_MODE("one of zeros, reflect, replicate, circular"),
    UPSAMPLE_MODE("one of nearest, bilinear"),
    ACTIVATION("an activation name"),
    BOOLEAN("true or false"),
    /** A number strictly greater than 0, such as batch norm's eps. */
    POSITIVE_NUMBER("a number greater than 0"),
    /** Any finite number, such as leaky_relu's alpha. */
    NUMBER("a number"),
    /** A number from 0 to 1 inclusive, such as dropout's p. */
    PROBABILITY("a number from 0 to 1");

    final String description;

    ParameterType(String description) {
        this.description = description;
    }
}
