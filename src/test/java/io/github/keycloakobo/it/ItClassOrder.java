package io.github.keycloakobo.it;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Keeps JUnit's default class order but runs {@link LogLeakIT} last, after every server of the run has logged all it
 * will log (configured in {@code junit-platform.properties}). Failsafe runs all IT classes in one JUnit launcher
 * request, so this order holds for the whole run.
 */
public final class ItClassOrder implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        // List.sort is stable: every other class keeps its place
        context.getClassDescriptors().sort(Comparator.comparingInt(d -> d.getTestClass() == LogLeakIT.class ? 1 : 0));
    }
}
