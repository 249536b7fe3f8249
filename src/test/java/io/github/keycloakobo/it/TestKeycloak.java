package io.github.keycloakobo.it;

/**
 * The one Keycloak server of this test JVM: started lazily by the first test that needs it, stopped when the JUnit
 * launcher session closes ({@link KeycloakLauncherSessionListener}) or, as a backup, by a JVM shutdown hook.
 */
public final class TestKeycloak {

    private static volatile KeycloakRuntime instance;
    private static RuntimeException startFailure;
    private static boolean hookInstalled;

    private TestKeycloak() {
    }

    /** The running server, started on first use. A failed start is reported to every later caller at once. */
    public static synchronized KeycloakRuntime get() {
        if (instance != null) {
            return instance;
        }
        if (startFailure != null) {
            throw new IllegalStateException("Keycloak failed to start earlier in this run: "
                    + startFailure.getMessage(), startFailure);
        }
        installShutdownHook();
        String runtime = ItConfig.runtime();
        try {
            switch (runtime) {
                case "dist":
                case "distribution":
                    instance = DistributionKeycloak.start();
                    break;
                case "testcontainers":
                case "container":
                    instance = ContainerKeycloak.start();
                    break;
                default:
                    throw new IllegalStateException("Unknown " + ItConfig.RUNTIME + "=" + runtime
                            + " (expected dist or testcontainers)");
            }
        } catch (RuntimeException e) {
            startFailure = e;
            throw e;
        }
        DistributionKeycloak.log("using %s", instance.describe());
        return instance;
    }

    /** Stops the server if one was started; idempotent. */
    public static synchronized void stopIfStarted() {
        if (instance != null) {
            try {
                instance.stop();
            } finally {
                instance = null;
            }
        }
    }

    private static void installShutdownHook() {
        if (!hookInstalled) {
            hookInstalled = true;
            // no locking here: the JVM may be going down while another thread is still starting the server
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                KeycloakRuntime kc = instance;
                if (kc != null) {
                    kc.stop();
                }
                DistributionKeycloak.killInFlight();
            }, "it-keycloak-stop"));
        }
    }
}
