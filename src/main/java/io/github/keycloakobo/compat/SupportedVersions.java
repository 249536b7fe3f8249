package io.github.keycloakobo.compat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Which Keycloak versions the extension serves: the lines it is built and tested for. */
public final class SupportedVersions {

    /** {@code major.minor} of each supported line. */
    public static final List<String> LINES = List.of("26.4", "26.5", "26.7");

    private static final Pattern MAJOR_MINOR = Pattern.compile("^(\\d+)\\.(\\d+)(?:[.\\-].*)?$");

    private SupportedVersions() {
    }

    /** Null when {@code version} is of a supported line, else why not. */
    public static String problem(String version) {
        if (version == null) {
            return "the version is unknown";
        }
        Matcher m = MAJOR_MINOR.matcher(version.trim());
        if (!m.matches()) {
            return "the version '" + version + "' cannot be read";
        }
        String line = Integer.parseInt(m.group(1)) + "." + Integer.parseInt(m.group(2));
        return LINES.contains(line) ? null : "Keycloak " + line + " is not a line the extension was tested on";
    }
}
