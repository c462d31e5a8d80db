package io.github.netspec.runtime;

import java.io.IOException;

/** A weights file that cannot be used: malformed, truncated, or not matching the network. */
public final class WeightsException extends IOException {
    private static final long serialVersionUID = 1L;

    public WeightsException(String message) {
        super(message);
    }
}
