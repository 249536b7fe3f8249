package io.github.keycloakobo.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Stops the shared test Keycloak when the JUnit launcher session (the failsafe run) ends. */
public final class KeycloakLauncherSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TestKeycloak.stopIfStarted();
    }
}
