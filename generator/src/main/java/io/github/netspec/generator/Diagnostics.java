package io.github.netspec.generator;

import io.github.netspec.syntax.CallSite;
import io.github.netspec.syntax.Diagnostic;
import io.github.netspec.syntax.Position;
import java.util.ArrayList;
import java.util.List;

/** Collects one file's diagnostics as a phase finds them. */
final class Diagnostics {

    private final String file;
    private final List<Diagnostic> collected = new ArrayList<>();
    /** The block calls of the statement being checked, named at the end of each message. */
    private List<CallSite> origin = List.of();

    Diagnostics(String file) {
        this.file = file;
    }

    /**
     * Until the next call, every message also says which block calls put the statement there: the
     * statement's position is in the block, and the calls are where it was used.
     */
    void within(List<CallSite> calls) {
        origin = List.copyOf(calls);
    }

    void error(Position at, String message) {
        collected.add(Diagnostic.error(file, at, message + BlockExpander.within(origin, file)));
    }

    void error(Position at, String message, String hint) {
        collected.add(Diagnostic.error(file, at, message + BlockExpander.within(origin, file), hint));
    }

    void warning(Position at, String message, String hint) {
        collected.add(Diagnostic.warning(file, at, message + BlockExpander.within(origin, file), hint));
    }

    String file() {
        return file;
    }

    int errorCount() {
        return (int) collected.stream().filter(Diagnostic::isError).count();
    }

    List<Diagnostic> all() {
        return List.copyOf(collected);
    }
}
