package io.github.keycloakobo.it;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * Settings of the integration-test run, read from system properties (failsafe passes them, see pom.xml).
 * Defaults make a run from an IDE work after {@code mvn pre-integration-test}.
 */
public final class ItConfig {

    public static final String RUNTIME = "obo.it.runtime";
    public static final String KEYCLOAK_HOME = "obo.it.keycloakHome";
    public static final String KEYCLOAK_VERSION = "obo.it.keycloakVersion";
    public static final String PROVIDER_JAR = "obo.it.providerJar";
    public static final String WORK_DIR = "obo.it.workDir";
    public static final String FEATURES = "obo.it.kcFeatures";
    public static final String START_TIMEOUT = "obo.it.startTimeoutSeconds";
    public static final String KEEP_REALMS = "obo.it.keepRealms";

    private ItConfig() {
    }

    public static String runtime() {
        return prop(RUNTIME, "dist").trim().toLowerCase(java.util.Locale.ROOT);
    }

    public static String keycloakVersion() {
        return prop(KEYCLOAK_VERSION, "26.7.3");
    }

    /** {@code major.minor} of the Keycloak under test, e.g. {@code 26.7}. */
    public static String keycloakLine() {
        String[] parts = keycloakVersion().split("\\.");
        return parts[0] + "." + parts[1];
    }

    /** Whether the Keycloak under test is of this line or a later one ({@code "26.5"}). */
    public static boolean keycloakAtLeast(String line) {
        String[] have = keycloakLine().split("\\.");
        String[] want = line.split("\\.");
        int major = Integer.compare(Integer.parseInt(have[0]), Integer.parseInt(want[0]));
        return major != 0 ? major > 0 : Integer.parseInt(have[1]) >= Integer.parseInt(want[1]);
    }

    /**
     * What Keycloak itself answers to a jwt-bearer request that is not on-behalf-of: its RFC 7523 grant's
     * {@code invalid_grant} from 26.7 on (on by default); {@code unsupported_grant_type} before (26.5: a preview
     * feature, off; 26.4: no such grant).
     */
    public static String plainJwtBearerError() {
        return keycloakAtLeast("26.7") ? "invalid_grant" : "unsupported_grant_type";
    }

    /** A part of the error_description of that answer, which names the grant that refused it. */
    public static String plainJwtBearerDescription() {
        return keycloakAtLeast("26.7") ? "JWT Authorization Grant" : "Unsupported grant_type";
    }

    public static Path keycloakHome() {
        return Paths.get(prop(KEYCLOAK_HOME, "target/keycloak-dist/keycloak-" + keycloakVersion())).toAbsolutePath();
    }

    public static Path providerJar() {
        String jar = System.getProperty(PROVIDER_JAR);
        if (jar == null || jar.isBlank()) {
            throw new IllegalStateException("System property " + PROVIDER_JAR
                    + " is not set; run the integration tests through Maven (mvn verify), which builds the jar first");
        }
        return Paths.get(jar).toAbsolutePath();
    }

    public static Path workDir() {
        return Paths.get(prop(WORK_DIR, "target/it-keycloak")).toAbsolutePath();
    }

    /** PID file of the distribution server: a sibling of the work dir, so that it survives the work dir's deletion. */
    public static Path pidFile() {
        Path work = workDir();
        return work.resolveSibling(work.getFileName() + ".pid");
    }

    /** Value for {@code kc.sh build --features=...}; empty for none. */
    public static String features() {
        return prop(FEATURES, "").trim();
    }

    public static Duration startTimeout() {
        return Duration.ofSeconds(Long.parseLong(prop(START_TIMEOUT, "300")));
    }

    public static boolean keepRealms() {
        return Boolean.parseBoolean(prop(KEEP_REALMS, "false"));
    }

    private static String prop(String name, String def) {
        String v = System.getProperty(name);
        return v == null || v.isBlank() ? def : v;
    }
}
