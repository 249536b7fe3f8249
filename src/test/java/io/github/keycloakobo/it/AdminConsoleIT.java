package io.github.keycloakobo.it;

import static io.github.keycloakobo.it.Browser.testId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The {@code obo-policy} executor in Keycloak's real admin console, in a real (headless) chromium: log in as the
 * bootstrap admin, create a client profile, add the executor, see its labels and help texts (English and German),
 * save values, and check through the admin REST API what was stored. Screenshots go to target/admin-console/.
 * Needs Debian's {@code chromium} and {@code chromium-driver} ({@link Browser}); fails, never skips, without them.
 */
@ExtendWith(Browser.Required.class) // without the browser: fails at once, saying what to install, before any server
class AdminConsoleIT extends AbstractOboIT {

    private static final String ADMIN = "admin";
    private static final String ADMIN_PASSWORD = "admin"; // the test server's bootstrap admin (test only)

    private static final By POPOVER = By.cssSelector(".pf-v5-c-popover__body");
    private static final By ALERT = By.cssSelector(".pf-v5-c-alert__title");

    @Test
    void executorIsConfiguredInTheAdminConsole() {
        String baseUrl = realm.keycloak().baseUrl();
        try (Browser browser = Browser.start("en")) {
            try {
                browser.loginToAdminConsole(baseUrl, ADMIN, ADMIN_PASSWORD);

                // Realm settings > Client policies > Profiles > Create client profile
                browser.open(consoleUrl(baseUrl) + "/realm-settings/client-policies/profiles");
                browser.click(testId("createProfile"));
                browser.type(By.cssSelector("input[name='name']"), "obo-ceilings");
                browser.click(testId("saveCreateProfile"));

                // Add executor > obo-policy
                browser.click(testId("addExecutor"));
                browser.click(By.id("kc-executor"));
                browser.click(testId("obo-policy"));
                awaitExecutorForm(browser);

                // labels (message keys resolved by the console) and help texts
                String form = browser.visible(By.tagName("main")).getText();
                for (String label : List.of("Maximum hops", "Maximum token lifetime (seconds)", "Denied audiences",
                        "Allowed scopes")) {
                    assertTrue(form.contains(label), () -> "label '" + label + "' not shown: " + form);
                }
                assertTrue(!form.contains("oboPolicy"), () -> "an untranslated message key is shown: " + form);
                assertTrue(help(browser, "help-label-config.max-hops")
                        .startsWith("Ceiling on every OBO client\u2019s obo.max-hops"));
                assertTrue(help(browser, "help-label-config.max-token-lifetime").contains("Ceiling in seconds"));
                assertTrue(help(browser, "help-label-oboPolicyDeniedAudiences").contains("invalid_target"));
                assertTrue(help(browser, "help-label-oboPolicyAllowedScopes").contains("invalid_scope"));

                // the default denied audiences are filled in
                assertEquals("realm-management",
                        browser.visible(testId("config.denied-audiences0")).getAttribute("value"));
                assertEquals("account-console",
                        browser.visible(testId("config.denied-audiences5")).getAttribute("value"));

                // values: hops 2, lifetime 120, one more denied audience, two allowed scopes
                browser.type(testId("max-hops"), "2");
                browser.type(testId("max-token-lifetime"), "120");
                browser.click(testId("config.denied-audiences-addValue"));
                browser.type(testId("config.denied-audiences6"), "billing-api");
                browser.type(testId("config.allowed-scopes0"), "openid");
                browser.click(testId("config.allowed-scopes-addValue"));
                browser.type(testId("config.allowed-scopes1"), "profile");
                dismissAlerts(browser);
                browser.screenshot("obo-policy-executor-form");

                browser.click(testId("addExecutor-saveBtn"));
                assertEquals("Success! Executor created successfully", browser.visible(ALERT).getText());
                browser.visible(testId("executor-type"));
                browser.screenshot("obo-policy-executor-saved");
            } catch (RuntimeException | AssertionError e) {
                browser.screenshot("failure-executorIsConfiguredInTheAdminConsole");
                throw e;
            }
        }

        JsonNode executor = storedExecutor("obo-ceilings");
        assertNotNull(executor, "no obo-policy executor stored in profile obo-ceilings");
        assertEquals(Json.parse("{\"max-hops\":\"2\",\"max-token-lifetime\":\"120\",\"denied-audiences\":"
                + "[\"realm-management\",\"broker\",\"admin-cli\",\"security-admin-console\",\"account\",\"account-console\","
                + "\"billing-api\"],\"allowed-scopes\":[\"openid\",\"profile\"]}"), executor.get("configuration"));
    }

    @Test
    void anInvalidValueIsRefusedWithAClearMessage() {
        String baseUrl = realm.keycloak().baseUrl();
        ClientPolicies policies = new ClientPolicies(admin, realmName());
        assertEquals(204, policies.putProfiles(ClientPolicies.profile("obo-invalid")).status());
        JsonNode before = policies.getProfiles();
        try (Browser browser = Browser.start("en")) {
            try {
                browser.loginToAdminConsole(baseUrl, ADMIN, ADMIN_PASSWORD);
                browser.open(consoleUrl(baseUrl) + "/realm-settings/client-policies/obo-invalid/add-executor");
                browser.click(By.id("kc-executor"));
                browser.click(testId("obo-policy"));
                awaitExecutorForm(browser);
                browser.type(testId("max-token-lifetime"), "-5");
                browser.click(testId("addExecutor-saveBtn"));
                String alert = browser.visible(ALERT).getText();
                assertEquals("Executor not created: Invalid configuration of the obo-policy executor: "
                        + "max-token-lifetime must be a whole number of seconds of at least 1 (or empty for no "
                        + "ceiling), got '-5'", alert);
                browser.screenshot("obo-policy-executor-invalid");
            } catch (RuntimeException | AssertionError e) {
                browser.screenshot("failure-anInvalidValueIsRefusedWithAClearMessage");
                throw e;
            }
        }
        assertEquals(before, policies.getProfiles());
    }

    @Test
    void labelsAndHelpTextsAreTranslatedToGerman() {
        String baseUrl = realm.keycloak().baseUrl();
        ClientPolicies policies = new ClientPolicies(admin, realmName());
        assertEquals(204, policies.putProfiles(ClientPolicies.profile("obo-de")).status());
        // the console's language follows the master realm's localization settings and the browser's language
        ObjectNode master = admin.getRealm("master");
        ObjectNode restore = Json.object();
        restore.put("internationalizationEnabled", master.path("internationalizationEnabled").asBoolean(false));
        restore.set("supportedLocales", master.has("supportedLocales") ? master.get("supportedLocales")
                : Json.array());
        if (master.hasNonNull("defaultLocale")) {
            restore.put("defaultLocale", master.get("defaultLocale").asText());
        }
        ObjectNode german = Json.object();
        german.put("internationalizationEnabled", true);
        german.set("supportedLocales", Json.array().add("en").add("de"));
        german.put("defaultLocale", "en");
        admin.updateRealm("master", german);
        try (Browser browser = Browser.start("de")) {
            try {
                browser.loginToAdminConsole(baseUrl, ADMIN, ADMIN_PASSWORD);
                browser.open(consoleUrl(baseUrl) + "/realm-settings/client-policies/obo-de/add-executor");
                browser.click(By.id("kc-executor"));
                browser.click(testId("obo-policy"));
                awaitExecutorForm(browser);
                String form = browser.visible(By.tagName("main")).getText();
                for (String label : List.of("Maximale Anzahl von Hops", "Maximale Token-Lebensdauer (Sekunden)",
                        "Gesperrte Audiences", "Erlaubte Scopes")) {
                    assertTrue(form.contains(label), () -> "label '" + label + "' not shown: " + form);
                }
                assertTrue(help(browser, "help-label-config.max-hops").startsWith("Obergrenze f\u00fcr obo.max-hops"));
                assertTrue(help(browser, "help-label-oboPolicyAllowedScopes").contains("Scope-Obergrenze"));
                browser.screenshot("obo-policy-executor-form-de");
            } catch (RuntimeException | AssertionError e) {
                browser.screenshot("failure-labelsAndHelpTextsAreTranslatedToGerman");
                throw e;
            }
        } finally {
            admin.updateRealm("master", restore);
        }
    }

    // ---------------------------------------------------------------- helpers

    private String consoleUrl(String baseUrl) {
        return baseUrl + "/admin/master/console/#/" + realmName();
    }

    /** Waits until the executor's form is rendered with its defaults (the first default denied audience). */
    private static void awaitExecutorForm(Browser browser) {
        By first = testId("config.denied-audiences0");
        browser.visible(first);
        new org.openqa.selenium.support.ui.WebDriverWait(browser.driver(), java.time.Duration.ofSeconds(30))
                .until(d -> "realm-management".equals(d.findElement(first).getAttribute("value")));
    }

    /** Opens a field's help popover, answers its text and closes it again. */
    private static String help(Browser browser, String helpButtonTestId) {
        browser.click(testId(helpButtonTestId));
        String text = browser.visible(POPOVER).getText();
        browser.click(testId(helpButtonTestId));
        browser.waitGone(POPOVER);
        return text;
    }

    /** Closes the "profile created" toast, so that it neither hides the form in a screenshot nor is mistaken later. */
    private static void dismissAlerts(Browser browser) {
        for (WebElement close : browser.driver().findElements(By.cssSelector(".pf-v5-c-alert__action button"))) {
            try {
                close.click();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        browser.waitGone(ALERT);
    }

    private JsonNode storedExecutor(String profileName) {
        for (JsonNode profile : new ClientPolicies(admin, realmName()).getProfiles().path("profiles")) {
            if (profileName.equals(profile.path("name").asText())) {
                for (JsonNode executor : profile.path("executors")) {
                    if (ClientPolicies.OBO_EXECUTOR.equals(executor.path("executor").asText())) {
                        return executor;
                    }
                }
            }
        }
        return null;
    }
}
